import type Dockerode from 'dockerode'
import type { DockerEngineInfo, HostState } from '../../../src-preload/contract/hosts'
import { createDockerClient, watchEvents, type DockerEvent } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { SshTunnel } from '../../infra/ssh'
import { AppError, isAppError } from '../shared/app-error'
import { backoffDelay, DEFAULT_BACKOFF } from '../shared/backoff'
import type { HostRecord } from './host-store'

export interface HostFailure {
  code: string
  message: string
}

export interface HostConnectionEvents {
  /** State, failure, retry time or engine info changed. */
  changed(): void
  /** A container event from the engine (create, start, die, destroy, rename, health_status…). */
  engineEvent(event: DockerEvent): void
  /** The link came back after a loss: anything derived from the engine may be stale. */
  resynced(): void
}

const RECONNECTING_GRACE_MS = 2000
const NON_RETRYABLE = new Set([
  'host_key_mismatch',
  'ssh_auth_failed',
  'secrets_unavailable',
  'secrets_consent_required',
])

/**
 * One live link to one Docker engine: the local socket, or the remote socket through an SshTunnel.
 * It knows its state, waits for the link on behalf of callers, and keeps the engine's event stream
 * open (resuming with `since`) so lists stay current without polling.
 */
export class HostConnection {
  state: HostState = 'connecting'
  failure: HostFailure | null = null
  nextRetryAt: string | null = null
  engine: DockerEngineInfo | null = null

  private client: Dockerode | null = null
  private tunnel: SshTunnel | null = null
  private attempt = 0
  private retryTimer: NodeJS.Timeout | undefined
  private stopEvents: (() => void) | null = null
  /** Where the next event watch resumes, so no container change is missed across a reconnect. */
  private resumeSince: string | undefined
  private everConnected = false
  private disposed = false
  private readonly waiters = new Set<() => void>()

  constructor(
    readonly host: HostRecord,
    private readonly openTunnel: (host: HostRecord) => Promise<SshTunnel>,
    private readonly listeners: HostConnectionEvents,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.host.kind === 'local') void this.connectEngine()
    else void this.startTunnel()
  }

  /**
   * The engine's client. A first connection gets `timeoutMs` to come up; a link already known to be
   * down gets only a short grace period, so callers see its failure promptly instead of hanging.
   */
  async docker(timeoutMs = 15_000): Promise<Dockerode> {
    if (this.state === 'connected' && this.client) return this.client
    if (this.state === 'failed' || this.disposed) throw this.unreachable()
    if (this.state === 'reconnecting') timeoutMs = Math.min(timeoutMs, RECONNECTING_GRACE_MS)
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.waiters.add(done)
    })
    if (this.state === 'connected' && this.client) return this.client
    throw this.unreachable()
  }

  /** Resolves once the link is up again (or never, if the host is disposed or failed for good). */
  async whenConnected(): Promise<void> {
    while (!this.disposed && this.state !== 'failed' && !(this.state === 'connected' && this.client)) {
      await new Promise<void>((resolve) => this.waiters.add(resolve))
    }
    if (this.state !== 'connected') throw this.unreachable()
  }

  /**
   * After a failed engine request: if the link (not the request) failed, waits until it is back and
   * answers true, so a long-lived stream can resume; false for anything else, which the caller reports.
   */
  async recoverFrom(err: unknown): Promise<boolean> {
    if (!isAppError(err) || err.code !== 'docker_unreachable' || this.state === 'failed') return false
    // The request can fail before the tunnel itself has noticed the link is gone: do not spin.
    await new Promise((resolve) => setTimeout(resolve, 200))
    await this.whenConnected().catch(() => undefined)
    return true
  }

  dispose(): void {
    this.disposed = true
    clearTimeout(this.retryTimer)
    this.stopEvents?.()
    this.tunnel?.dispose()
    this.setState('failed', { code: 'not_found', message: 'The host was removed' })
  }

  private unreachable(): AppError {
    const reason = this.failure ? `${this.failure.message}` : `the host is ${this.state}`
    const code = this.failure && NON_RETRYABLE.has(this.failure.code) ? this.failure.code : 'docker_unreachable'
    return new AppError(code as 'docker_unreachable', `${this.host.name}: ${reason}`)
  }

  private async startTunnel(): Promise<void> {
    try {
      this.tunnel = await this.openTunnel(this.host)
    } catch (err) {
      const failure = isAppError(err)
        ? { code: err.code, message: err.message }
        : { code: 'internal', message: String(err) }
      this.setState('failed', failure)
      return
    }
    if (this.disposed) return this.tunnel.dispose()
    this.tunnel.on('state', (event: { state: string; failure?: HostFailure; nextRetryMs?: number }) => {
      if (this.disposed) return
      if (event.state === 'connected') void this.connectEngine()
      else if (event.state === 'reconnecting') {
        this.stopEvents?.()
        this.stopEvents = null
        this.setState(
          'reconnecting',
          event.failure ?? { code: 'host_unreachable', message: 'SSH link lost' },
          event.nextRetryMs,
        )
      } else if (event.state === 'failed') {
        this.stopEvents?.()
        this.setState('failed', event.failure ?? { code: 'host_unreachable', message: 'SSH link failed' })
      }
    })
    this.tunnel.start()
  }

  /** Talks to the engine over the current link: version negotiation, engine info, event stream. */
  private async connectEngine(): Promise<void> {
    clearTimeout(this.retryTimer)
    try {
      if (!this.client) {
        const endpoint = this.tunnel ? { agent: this.tunnel.createAgent() } : { socketPath: this.host.socketPath }
        this.client = (await createDockerClient(endpoint)).docker
      }
      const [info, version] = await Promise.all([this.client.info(), this.client.version()])
      if (this.disposed) return
      this.engine = {
        version: version.Version,
        apiVersion: version.ApiVersion,
        os: info.OperatingSystem ?? version.Os,
        arch: version.Arch,
        cpus: info.NCPU ?? 0,
        memoryBytes: info.MemTotal ?? 0,
      }
      this.attempt = 0
      const resumed = this.everConnected
      this.everConnected = true
      this.watchEngineEvents()
      this.setState('connected', null)
      if (resumed) this.listeners.resynced()
    } catch (err) {
      if (this.disposed) return
      const failure = isAppError(err)
        ? { code: err.code, message: err.message }
        : { code: 'docker_unreachable', message: String(err) }
      this.log.warn({ host: this.host.id, failure }, 'engine unreachable')
      // Over SSH the tunnel owns reconnection of the link; here we retry only the engine on top of it.
      const delay = backoffDelay(++this.attempt, DEFAULT_BACKOFF)
      this.setState('reconnecting', failure, delay)
      this.retryTimer = setTimeout(() => void this.connectEngine(), delay)
    }
  }

  private watchEngineEvents(): void {
    this.stopEvents?.()
    const watch = watchEvents(
      this.client!,
      { since: this.resumeSince, filters: { type: ['container'] } },
      (event) => this.listeners.engineEvent(event),
      (err) => {
        this.resumeSince = watch.resumeSince ?? this.resumeSince
        if (this.disposed || this.state !== 'connected' || this.stopEvents !== stop) return
        this.log.warn({ host: this.host.id, err: err.message }, 'engine event stream ended')
        this.stopEvents = null
        // The local engine stopped, or the remote one restarted behind a healthy tunnel: reconnect to it.
        const delay = backoffDelay(++this.attempt, DEFAULT_BACKOFF)
        this.setState('reconnecting', { code: 'docker_unreachable', message: err.message }, delay)
        this.retryTimer = setTimeout(() => void this.connectEngine(), delay)
      },
    )
    const stop = (): void => {
      this.resumeSince = watch.resumeSince ?? this.resumeSince
      watch()
    }
    this.stopEvents = stop
  }

  private setState(state: HostState, failure: HostFailure | null, retryInMs?: number): void {
    this.state = state
    this.failure = failure
    this.nextRetryAt = retryInMs !== undefined ? new Date(Date.now() + retryInMs).toISOString() : null
    if (state !== 'connected') this.engine = state === 'failed' ? null : this.engine
    this.listeners.changed()
    if (state === 'connected' || state === 'failed') {
      for (const wake of [...this.waiters]) wake()
      this.waiters.clear()
    }
  }
}
