import { ERROR_CODES, type ErrorCode } from '../../../src-preload/contract/errors'

export interface ErrorText {
  /** What happened, in one sentence a person can read. */
  sentence: string
  /** What to do next. */
  next: string
}

/**
 * The one place that turns a contract error code into words. A new code in the contract without an
 * entry here fails to compile (and a unit test checks the list at run time too).
 */
export const ERROR_TEXT: Record<ErrorCode, ErrorText> = {
  validation: {
    sentence: 'Some of what was entered is not valid.',
    next: 'Correct the highlighted field and try again.',
  },
  not_found: { sentence: 'That no longer exists.', next: 'It may have been removed elsewhere; refresh the list.' },
  conflict: {
    sentence: 'That cannot be done in the current state.',
    next: 'Read the details, change what is in the way, then retry.',
  },
  unauthorized: { sentence: 'Your sign-in is no longer valid.', next: 'Sign in again with a valid token.' },
  forbidden: { sentence: 'Your role does not allow this.', next: 'Ask an admin for a token with a higher role.' },
  misdirected: {
    sentence: 'The server did not accept this address.',
    next: 'Open glinrdock at the address it prints when it starts.',
  },
  rate_limited: { sentence: 'Too many requests in a short time.', next: 'Wait a moment, then try again.' },
  payload_too_large: { sentence: 'What was sent is too large.', next: 'Send less at once.' },
  unsupported_media_type: {
    sentence: 'The request was not sent as JSON.',
    next: 'Send it with Content-Type: application/json.',
  },
  schema_too_new: { sentence: 'The data was written by a newer glinrdock.', next: 'Update glinrdock to open it.' },
  secrets_consent_required: {
    sentence: 'This computer has no keychain to protect stored passwords and keys.',
    next: 'Allow storing them without a keychain in Settings, or use an SSH agent instead.',
  },
  secrets_unavailable: {
    sentence: 'Stored passwords and keys cannot be unlocked.',
    next: 'Check the OS keychain (or secret.key in headless mode).',
  },
  host_key_mismatch: {
    sentence: 'The server’s identity changed.',
    next: 'Compare the fingerprints, then replace the pinned key if you trust the new one.',
  },
  ssh_auth_failed: {
    sentence: 'The server refused the SSH credentials.',
    next: 'Check the user name and key or password in the host’s settings.',
  },
  docker_unreachable: {
    sentence: 'The Docker engine did not answer.',
    next: 'Check that Docker is running and that the socket path is right.',
  },
  host_unreachable: {
    sentence: 'The host could not be reached.',
    next: 'Check the address and port, and that the SSH server is running.',
  },
  internal: {
    sentence: 'Something went wrong inside glinrdock.',
    next: 'Retry; if it keeps happening, the server log has the details.',
  },
  interrupted: {
    sentence: 'This job did not finish: glinrdock stopped while it was running.',
    next: 'Check what the job had done from its log, then run it again.',
  },
  registry_auth_failed: {
    sentence: 'The image registry refused to let this image be pulled without valid credentials.',
    next: 'Store a login for that registry, or correct its user name and password, then try again.',
  },
  port_conflict: {
    sentence: 'A host port this service publishes is already in use on its host.',
    next: 'Pick another host port in the service, or stop what holds that port, then start it again.',
  },
  no_image: {
    sentence: 'This service has no image to run yet.',
    next: 'Give it an image, or build it from its git source first (Build & deploy).',
  },
  git_failed: {
    sentence: 'The git repository could not be read.',
    next: 'Check the URL and ref, and that this machine can reach the repository with your git or ssh credentials.',
  },
  build_failed: {
    sentence: 'The image build failed on the engine.',
    next: 'Open the build log for the failing step, fix it in the repository, and build again.',
  },
  unhealthy: {
    sentence: 'The new version did not become healthy, so the previous one keeps serving.',
    next: 'Open the deployment to read the health check output and the container’s last log lines.',
  },
  image_gone: {
    sentence: 'The image of that deployment is no longer on the engine.',
    next: 'Rebuild its commit, then roll back again.',
  },
  proxy_rejected: {
    sentence: 'The proxy’s nginx refused the configuration, so the previous one keeps serving.',
    next: 'Read nginx’s message below, correct the route (or the proxy settings of the host), then try again.',
  },
  acme_failed: {
    sentence: 'The certificate authority refused the order or could not validate the domain.',
    next: 'Check that the domain’s DNS points at this host and that port 80 reaches its proxy; it is retried automatically.',
  },
}

export const hasTextForEveryCode = (): ErrorCode[] => ERROR_CODES.filter((code) => !ERROR_TEXT[code])

/** Long hex ids (container and image ids) in messages, shortened to the 12 characters Docker shows. */
export const shortenIds = (text: string): string => text.replace(/\b(sha256:)?([0-9a-f]{12})[0-9a-f]{52}\b/g, '$2')

/**
 * One line for a form's error slot: a field's own rule as the contract words it, anything else as
 * the sentence for its code followed by the detail.
 */
export function errorLine(error: { code: ErrorCode; message: string }): string {
  if (error.code === 'validation') return error.message
  return `${ERROR_TEXT[error.code].sentence} ${shortenIds(error.message)}`
}
