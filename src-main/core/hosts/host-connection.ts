import type Dockerode from 'dockerode'
import type { DockerEngineInfo, HostState } from '../../../src-preload/contract/hosts'
import { createDockerClient, watchEvents, type DockerEvent } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { SshTunnel, TunnelStateEvent } from '../../infra/ssh'
import { AppError, isAppError } from '../shared/app-error'
import { backoffDelay, DEFAULT_BACKOFF } from '../shared/backoff'
import { engineFailure, engineInfoOf, readEngineInfo } from './engine-info'
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
/**
 * A local engine that is not there after this many attempts in a row is `failed` (until `retry`): a missing or
 * refusing socket is a setting or a stopped daemon, which waiting does not fix. Over SSH the tunnel retries the
 * link, and the engine behind a working link keeps being retried (a remote daemon restart takes a while).
 */
const LOCAL_ATTEMPTS = 3
/** Failure codes that requests to the host report as they are; anything else reads `docker_unreachable`. */
const REPORTED_AS_IS = new Set([
  'host_key_mismatch',
  'ssh_auth_failed',
  'secrets_unavailable',
  'secrets_consent_required',
  'host_unreachable',
])
/** A request failing with one of these met a link problem (not a request problem) and may wait for the link. */
const LINK_ERRORS = new Set(['docker_unreachable', 'host_unreachable'])

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
  /** Bumped by `retry`: work started before it (an engine call, a tunnel) must not act on its result. */
  private generation = 0
  private readonly waiters = new Set<() => void>()

  constructor(
    /** Replaced (same link settings) when the host is renamed or relabelled. */
    public host: HostRecord,
    private readonly openTunnel: (host: HostRecord) => Promise<SshTunnel>,
    private readonly listeners: HostConnectionEvents,
    private readonly log: Logger,
  ) {}

  /** Resolves once the first connection attempt is on the wire (or failed before it could be). */
  start(): Promise<void> {
    if (this.host.kind !== 'local') return this.startTunnel()
    void this.connectEngine()
    return Promise.resolve()
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
    if (!isAppError(err) || !LINK_ERRORS.has(err.code) || this.state === 'failed') return false
    // The request can fail before the tunnel itself has noticed the link is gone: do not spin.
    await new Promise((resolve) => setTimeout(resolve, 200))
    await this.whenConnected().catch(() => undefined)
    return true
  }

  /**
   * Tries again now: a failed host starts over (a new tunnel, so a fixed key file or agent is read again), a
   * reconnecting one skips the rest of its backoff. Answers false when there is nothing to retry.
   */
  retry(): boolean {
    if (this.disposed || this.state === 'connected' || this.state === 'connecting') return false
    this.generation++
    clearTimeout(this.retryTimer)
    this.attempt = 0
    this.stopEvents?.()
    this.stopEvents = null
    this.setState('connecting', null)
    if (this.host.kind === 'local') void this.connectEngine()
    else if (this.tunnel?.state === 'connected') void this.connectEngine()
    else {
      this.tunnel?.dispose()
      this.tunnel = null
      this.client = null
      void this.startTunnel()
    }
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
    let code = this.failure && REPORTED_AS_IS.has(this.failure.code) ? this.failure.code : 'docker_unreachable'
    // No failure yet, but the SSH link is not up: the host (not its engine) is what cannot be reached.
    if (!this.failure && this.host.kind === 'ssh' && this.tunnel?.state !== 'connected') code = 'host_unreachable'
    return new AppError(code as 'docker_unreachable', `${this.host.name}: ${reason}`)
  }

  private async startTunnel(): Promise<void> {
    const generation = this.generation
    let tunnel: SshTunnel
    try {
      tunnel = await this.openTunnel(this.host)
    } catch (err) {
      if (generation !== this.generation || this.disposed) return
      const failure = isAppError(err)
        ? { code: err.code, message: err.message }
        : { code: 'internal', message: String(err) }
      this.setState('failed', failure)
      return
    }
    if (this.disposed || generation !== this.generation) return tunnel.dispose()
    this.tunnel = tunnel
    tunnel.on('state', (event: TunnelStateEvent) => {
      if (this.disposed || this.tunnel !== tunnel) return
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
    tunnel.start()
  }

  /** Talks to the engine over the current link: version negotiation, engine info, event stream. */
  private async connectEngine(): Promise<void> {
    clearTimeout(this.retryTimer)
    const generation = this.generation
    try {
      let engine: DockerEngineInfo
      if (!this.client) {
        const endpoint = this.tunnel ? { agent: this.tunnel.createAgent() } : { socketPath: this.host.socketPath }
        const created = await createDockerClient(endpoint, { withInfo: true })
        // A retry meanwhile replaced the tunnel: this client's agent belongs to the old one.
        if (generation !== this.generation) return
        this.client = created.docker
        engine = engineInfoOf(created.info ?? {}, created.version)
      } else engine = await readEngineInfo(this.client)
      if (this.disposed || generation !== this.generation) return
      this.engine = engine
      this.attempt = 0
      const resumed = this.everConnected
      this.everConnected = true
      this.watchEngineEvents()
      this.setState('connected', null)
      if (resumed) this.listeners.resynced()
    } catch (err) {
      if (this.disposed || generation !== this.generation) return
      const failure = engineFailure(err, this.host)
      this.log.warn({ host: this.host.id, failure }, 'engine unreachable')
      this.attempt += 1
      if (this.host.kind === 'local' && this.attempt >= LOCAL_ATTEMPTS) return this.setState('failed', failure)
      // Over SSH the tunnel owns reconnection of the link; here we retry only the engine on top of it.
      const delay = backoffDelay(this.attempt, DEFAULT_BACKOFF)
      this.setState('reconnecting', failure, delay)
      this.retryTimer = setTimeout(() => void this.connectEngine(), delay)
    }
  }

  private watchEngineEvents(): void {
    this.stopEvents?.()
    const watch = watchEvents(
      this.client!,
      { since: this.resumeSince, filters: { type: ['container', 'image', 'volume', 'network'] } },
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
