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
}
