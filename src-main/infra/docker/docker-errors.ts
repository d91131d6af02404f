import { AppError, isAppError } from '../../core/shared/app-error'

/** Connection-level failures: the engine (or the tunnel to it) is not there, so the user must fix the link. */
const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOENT: 'socket not found',
  EACCES: 'permission denied on the socket',
  EPERM: 'permission denied on the socket',
  ENOTSOCK: 'not a socket',
  ETIMEDOUT: 'timed out',
  ESOCKETTIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  ENOTCONN: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
}

interface ErrorLike {
  code?: unknown
  statusCode?: unknown
  address?: unknown
  json?: unknown
  name?: unknown
  message?: unknown
  cause?: unknown
}

/**
 * Turns whatever dockerode / docker-modem / Node threw into an AppError. `what` names the object of the call
 * (`container 3f2a…`, `Docker engine`) and appears in messages shown to the user.
 *
 * docker-modem rejects HTTP failures with an Error carrying `statusCode` and the daemon's JSON body in `json`;
 * socket failures are plain Node system errors with `code`; an aborted request is an AbortError whose `cause` is
 * the signal's reason (a TimeoutError for `AbortSignal.timeout`).
 */
export function mapDockerError(err: unknown, what: string): AppError {
  if (isAppError(err)) return err
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike
  if (typeof e.statusCode === 'number') return fromStatus(e.statusCode, daemonMessage(e), what)

  const code = typeof e.code === 'string' ? e.code : undefined
  if (code !== undefined && code in UNREACHABLE_CODES) {
    const where = typeof e.address === 'string' ? ` (${e.address})` : ''
    return new AppError('docker_unreachable', `Docker engine unreachable: ${UNREACHABLE_CODES[code]}${where}`)
  }
  if (isTimeout(e)) return new AppError('docker_unreachable', 'Docker engine unreachable: timed out')
  if (code === 'ABORT_ERR' || e.name === 'AbortError') return new AppError('internal', `${what}: request aborted`)
  // docker-modem reports a socket closed mid-request as a bare "socket hang up" (code ECONNRESET on most paths).
  if (typeof e.message === 'string' && /socket hang up/i.test(e.message)) {
    return new AppError('docker_unreachable', 'Docker engine unreachable: connection closed')
  }
  return new AppError('internal', `${what}: unexpected Docker error`)
}

function fromStatus(status: number, message: string | undefined, what: string): AppError {
  const detail = message ? `: ${message}` : ''
  switch (status) {
    case 304:
      // start/stop/pause on a container already in that state.
      return new AppError('conflict', `${what} is already in the requested state`)
    case 400:
      return new AppError('validation', `${what}: invalid request${detail}`)
    case 404:
      return new AppError('not_found', `${what} not found`)
    case 409:
      return new AppError('conflict', `${what}: conflict${detail}`)
    default:
      return new AppError('internal', `${what}: Docker engine error ${status}${detail}`)
  }
}

/** The daemon answers errors with `{"message": "..."}`; docker-modem leaves it parsed, a Buffer, or a string. */
function daemonMessage(e: ErrorLike): string | undefined {
  let body = e.json
  if (Buffer.isBuffer(body)) body = body.toString('utf8')
  if (typeof body === 'string') {
    const text = body
    try {
      body = JSON.parse(text)
    } catch {
      return text.trim().slice(0, 500) || undefined
    }
  }
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message.slice(0, 500)
  }
  return undefined
}

function isTimeout(e: ErrorLike): boolean {
  if (e.name === 'TimeoutError') return true
  const cause = e.cause as ErrorLike | undefined
  return typeof cause === 'object' && cause !== null && cause.name === 'TimeoutError'
}
