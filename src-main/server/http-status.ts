import type { ErrorCode } from '../../src-preload/contract/errors'

/** How each error code reads over HTTP. Every code has exactly one status. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  schema_too_new: 409,
  secrets_consent_required: 409,
  host_key_mismatch: 409,
  misdirected: 421,
  ssh_auth_failed: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  secrets_unavailable: 500,
  docker_unreachable: 502,
  host_unreachable: 502,
  // A job's outcome, not a request's: `GET /v1/jobs/:id` answers 200 with it in `error`. Should a request ever fail
  // with it (acting on a job that was interrupted), it is a state the caller can see and resolve, not a server
  // fault; 500 would read as "glinrdock is broken" and invite blind retries.
  interrupted: 409,
  // Like ssh_auth_failed: the request was understood, but the registry refused the credentials stored for it (or
  // their absence). Not 401, which would read as the caller's own token being bad; not 502, since the registry
  // answered properly and the fix (store or correct a login) is the caller's.
  registry_auth_failed: 422,
  port_conflict: 409,
  no_image: 409,
  // Outcomes of jobs, like interrupted; should a request fail with one it is about the repository or the engine's
  // build, which the caller fixes: a bad gateway for an unreachable repository, the build's own refusal as 422.
  git_failed: 502,
  build_failed: 422,
  unhealthy: 409,
  image_gone: 409,
  // The configuration the request asked for is what nginx refused: the caller's to fix, the proxy keeps serving.
  proxy_rejected: 422,
  // The CA answered, and said no (or could not validate the challenge): a bad gateway, as for git.
  acme_failed: 502,
}
