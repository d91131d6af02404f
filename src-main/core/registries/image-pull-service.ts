import { pullImage, type PullOutcome, type PullProgress } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { HostConnections } from '../hosts/host-connections'
import { AppError, isAppError } from '../shared/app-error'
import { engineTag, parseImageReference } from './image-reference'
import type { RegistryService } from './registry-service'

export interface PullImageOptions {
  /** Aborting it aborts the request to the engine, which then stops pulling; the promise rejects at once. */
  signal?: AbortSignal
  /** At most every 200 ms, percent never decreasing; `{percent: 100}` once, when the pull succeeded. */
  onProgress?: (progress: PullProgress) => void
}

export type { PullOutcome, PullProgress }

/**
 * Pulls images onto a host's engine over its existing connection, with the login stored for the image's
 * registry. It has no request of its own: long work runs as a job, whose handler calls {@link pullImage} with the
 * job's signal and reports its progress.
 */
export class ImagePullService {
  constructor(
    private readonly connections: HostConnections,
    private readonly registries: RegistryService,
    private readonly log: Logger,
  ) {}

  /**
   * Pulls `reference` (`[registry[:port]/]repo[:tag][@digest]`; no tag means `latest`) on host `hostId`.
   *
   * Rejects with an AppError: `validation` (field `reference`) for a malformed reference, `not_found` for an unknown
   * host or image, `registry_auth_failed` naming the registry when it refused the stored login or its absence,
   * `docker_unreachable` when the link to the engine fails, `internal` for other engine failures (message
   * included) and for an abort (`signal.reason` itself when that is an AppError).
   */
  async pullImage(hostId: string, reference: string, options: PullImageOptions = {}): Promise<PullOutcome> {
    const ref = parseImageReference(reference)
    const { signal } = options
    const connection = this.connections.get(hostId)
    const [docker, auth] = await untilAborted(
      Promise.all([connection.docker(), this.registries.authFor(ref.registry)]),
      signal,
      reference,
    )
    const log = this.log.child({ hostId, image: reference, registry: ref.registry })
    // Never the login itself: only whether one went with the request.
    log.debug({ withCredentials: auth !== undefined }, 'pull started')
    try {
      const outcome = await pullImage(
        docker,
        { fromImage: ref.name, tag: engineTag(ref), registry: ref.registry, auth },
        { signal, onProgress: options.onProgress },
      )
      log.info({ digest: outcome.digest, upToDate: outcome.upToDate }, 'image pulled')
      return outcome
    } catch (err) {
      log.info({ code: isAppError(err) ? err.code : 'internal' }, 'pull failed')
      throw err
    }
  }
}

/** Waiting for a reconnecting link (up to its grace period) must not outlast the caller's abort. */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, reference: string): Promise<T> {
  if (!signal) return work
  const canceled = (): AppError =>
    signal.reason instanceof AppError
      ? signal.reason
      : new AppError('internal', `Pull of ${reference} was canceled before it started`)
  if (signal.aborted) throw canceled()
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        onAbort = () => reject(canceled())
        signal.addEventListener('abort', onAbort, { once: true })
      }),
    ])
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}
