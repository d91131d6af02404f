/**
 * The closed set of error codes that cross any boundary (IPC envelope, WebSocket, REST).
 * Later domains add their codes here so that every transport maps them the same way.
 */
export const ERROR_CODES = [
  'validation',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'misdirected',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'schema_too_new',
  'secrets_consent_required',
  'secrets_unavailable',
  'host_key_mismatch',
  'ssh_auth_failed',
  'docker_unreachable',
  'host_unreachable',
  'internal',
  /** A job that was running when glinrdock stopped (a crash, a kill -9, a power cut): it did not finish. */
  'interrupted',
  /** A registry refused an image pull for credentials: none stored for it, or the stored ones are wrong. */
  'registry_auth_failed',
  /** A host port a service publishes is taken on its engine (by another container or process). */
  'port_conflict',
  /** A service has no image to run yet: a git service before its first build. */
  'no_image',
  /** Cloning, fetching or listing a git repository failed (unreachable, unknown ref, credentials refused). */
  'git_failed',
  /** The engine refused or failed an image build; the message is the engine's (often a Dockerfile step's). */
  'build_failed',
  /** A new container did not become healthy: the deployment failed and the previous one serves again. */
  'unhealthy',
  /** A rollback's image is no longer on the engine (pruned or removed); rebuilding its commit brings it back. */
  'image_gone',
  /** nginx refused a proxy configuration (`nginx -t`, a reload or its confirmation): the previous one serves. */
  'proxy_rejected',
  /** The ACME CA refused an order or a challenge failed; the message is the CA's. */
  'acme_failed',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorBody {
  code: ErrorCode
  message: string
  field?: string
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody }
