import type { IncomingMessage } from 'node:http'
import type Dockerode from 'dockerode'
import { AppError, isAppError } from '../../core/shared/app-error'
import { mapDockerError } from './docker-errors'
import { readErrorMessage, readJsonLines } from './json-lines'
import { ProgressReporter, PullTracker, type PullLine, type PullOutcome, type PullProgress } from './pull-progress'

export type { PullOutcome, PullProgress } from './pull-progress'

/** What `X-Registry-Auth` carries for a pull: one registry's login. */
export interface RegistryAuth {
  username: string
  password: string
  serveraddress: string
}

export interface PullRequest {
  /** The engine's `fromImage`: the reference without its tag or digest. */
  fromImage: string
  /** A tag, or a digest (`sha256:…`), as the engine's `tag` parameter takes both. */
  tag: string
  /** The registry's normalized name, for messages. */
  registry: string
  auth?: RegistryAuth
}

export interface PullOptions {
  /** Aborting it aborts the HTTP request to the engine, which then stops the pull. */
  signal?: AbortSignal
  onProgress?: (progress: PullProgress) => void
  /** At most one report per interval (default 200 ms); the final 100 % is never held back. */
  progressIntervalMs?: number
}

/**
 * The JSON login, base64url *with* padding, as the docker CLI sends it (Go's `base64.URLEncoding`). Engine 20.10
 * decodes with a padded decoder and, for a pull, silently drops a header it cannot decode: without padding the
 * request would go out as anonymous and fail as "no basic auth credentials".
 */
export function encodeRegistryAuth(auth: RegistryAuth): string {
  const json = JSON.stringify({ username: auth.username, password: auth.password, serveraddress: auth.serveraddress })
  return Buffer.from(json, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
}

/** How registries (through engine 20.10) word a refusal for credentials, in an error status or a stream line. */
const AUTH_FAILURE =
  /no basic auth credentials|unauthorized|authentication required|incorrect username or password|access to the resource is denied|pull access denied/i

// docker-modem turns any status not listed here into an Error carrying only a summary; every status is taken as a
// stream so the engine's own `{"message"}` body is read here.
const EVERY_STATUS: Record<number, true> = Object.fromEntries(
  Array.from({ length: 500 }, (_, i) => [i + 100, true] as const),
)

/**
 * `POST /images/create` on any engine, with optional registry credentials, progress as one percentage, and every
 * failure as an AppError: an error status, an `{error}` line inside the 200 stream (the engine reports a failed
 * pull there, after the status line), a cut connection, or the caller's abort.
 */
export async function pullImage(
  docker: Dockerode,
  request: PullRequest,
  options: PullOptions = {},
): Promise<PullOutcome> {
  const { signal } = options
  const image = request.tag.includes(':')
    ? `${request.fromImage}@${request.tag}`
    : `${request.fromImage}:${request.tag}`
  if (signal?.aborted) throw abortedError(image, signal)
  const tracker = new PullTracker()
  const reporter = new ProgressReporter(options.onProgress, options.progressIntervalMs ?? 200)
  try {
    const res = await dialPull(docker, request, signal)
    if (res.statusCode !== 200) {
      throw pullFailure(res.statusCode ?? 500, await readErrorMessage(res), request, image)
    }
    await readJsonLines<PullLine>(
      res,
      signal,
      (line) => {
        const failure = line.errorDetail?.message ?? line.error
        if (failure !== undefined) throw pullFailure(200, failure, request, image)
        tracker.apply(line)
        reporter.report(tracker.progress())
      },
      'pull',
    )
    const outcome = tracker.outcome(image)
    reporter.finish({ percent: 100, message: outcome.status })
    return outcome
  } catch (err) {
    reporter.cancel()
    if (signal?.aborted) throw abortedError(image, signal)
    throw isAppError(err) ? err : mapDockerError(err, `pull of ${image}`)
  }
}

function dialPull(docker: Dockerode, request: PullRequest, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    ;(docker.modem as { dial: (opts: object, cb: (err: unknown, res: IncomingMessage) => void) => void }).dial(
      {
        path: '/images/create?',
        method: 'POST',
        options: { fromImage: request.fromImage, tag: request.tag },
        // docker-modem takes a ready header as `base64`; it never logs it unless DEBUG=modem is set.
        authconfig: request.auth ? { base64: encodeRegistryAuth(request.auth) } : undefined,
        // Given to http.request: an abort destroys the request and its socket (or tunnel channel).
        abortSignal: signal,
        isStream: true,
        statusCodes: EVERY_STATUS,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    )
  })
}

function pullFailure(status: number, message: string, request: PullRequest, image: string): AppError {
  const detail = message.trim().slice(0, 500) || `HTTP ${status}`
  if (AUTH_FAILURE.test(detail)) {
    return new AppError(
      'registry_auth_failed',
      request.auth
        ? `Registry ${request.registry} refused the credentials stored for user "${request.auth.username}" (${detail})`
        : `Registry ${request.registry} requires credentials to pull ${image}, and none are stored for it (${detail})`,
    )
  }
  if (status === 404) return new AppError('not_found', `Image ${image} not found: ${detail}`)
  if (status === 400) return new AppError('validation', `Pull of ${image}: invalid request: ${detail}`, 'reference')
  return new AppError('internal', `Pull of ${image} failed: ${detail}`)
}

function abortedError(image: string, signal: AbortSignal): AppError {
  const reason: unknown = signal.reason
  // A caller that aborts with an AppError gets exactly that back.
  if (isAppError(reason)) return reason
  // There is no "canceled" error code: a job runner settles a canceled job by its own signal, not by this code.
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new AppError('internal', `Pull of ${image} took too long and was canceled`)
  }
  return new AppError('internal', `Pull of ${image} was canceled before it finished`)
}
