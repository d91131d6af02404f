import { EventEmitter } from 'node:events'
import type { AgentOptions } from 'node:http'
import { inspect } from 'node:util'
import { Client, type ClientChannel, type ParsedKey } from 'ssh2'
import { AppError } from '../../core/shared/app-error'
import type { Logger } from '../logging/logger'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../../core/shared/backoff'
import { abandonChannel, channelAsSocket, type ChannelSocket } from './channel-socket'
import { hostKeyAlgorithmsFor, isSha256Fingerprint } from './fingerprint'
import { probeHostKey } from './probe-host-key'
import {
  classifyError,
  connectConfig,
  networkFailure,
  openNodelaySession,
  parsePrivateKey,
  type HostKeyVerdict,
} from './ssh-connect'
import { TunnelAgent } from './tunnel-agent'
import type { SshTunnelOptions, TunnelFailure, TunnelState, TunnelStateEvent } from './tunnel-types'

export type { SshAuth, SshTarget, SshTunnelOptions, TunnelFailure, TunnelState, TunnelStateEvent } from './tunnel-types'

interface Connection {
  client: Client
  channels: Set<ClientChannel>
  /** The first error seen on this connection; it explains the close that follows. */
  lastError?: TunnelFailure
}

interface Waiter {
  resolve(conn: Connection): void
  reject(err: AppError): void
}

/**
 * One SSH connection to a Docker host, kept alive and re-established with backoff, carrying every Docker API
 * connection as a `direct-streamlocal` channel to the remote socket. Host key mismatch and authentication
 * failure are final: retrying would only repeat the refusal (or hammer a server that may lock the account).
 */
export class SshTunnel extends EventEmitter<{ state: [TunnelStateEvent] }> {
  static readonly probeHostKey = probeHostKey

  private stateNow: TunnelState = 'connecting'
  private failureNow: TunnelFailure | undefined
  /** Why the link is down while reconnecting: requests waiting for it fail with this reason. */
  private linkFailure: TunnelFailure | undefined
  private current: Connection | undefined
  private parsedKey: ParsedKey | undefined
  private attempt = 0
  private started = false
  private retryTimer: NodeJS.Timeout | undefined
  private readonly waiters = new Set<Waiter>()
  private readonly agents = new Set<TunnelAgent>()
  private readonly log: Logger
  private readonly backoff: BackoffOptions
  readonly label: string

  constructor(private readonly opts: SshTunnelOptions) {
    super()
    const { host, port, username } = opts.target
    if (!isSha256Fingerprint(opts.pinnedFingerprint)) {
      throw new AppError('validation', 'Pinned host key fingerprint must look like SHA256:<43 base64 characters>')
    }
    if (opts.pinnedKeyType !== undefined) hostKeyAlgorithmsFor(opts.pinnedKeyType)
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AppError('validation', 'Invalid SSH port')
    if (!opts.remoteSocketPath.startsWith('/')) {
      throw new AppError('validation', 'Remote Docker socket path must be absolute')
    }
    this.label = `${username}@${host}:${port}`
    this.log = opts.logger.child({ ssh: this.label })
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff }
  }

  get state(): TunnelState {
    return this.stateNow
  }

  get failure(): TunnelFailure | undefined {
    return this.failureNow
  }

  /** SSH channels currently open to the remote Docker socket (HTTP connections in use or pooled). */
  get openChannelCount(): number {
    return this.current?.channels.size ?? 0
  }

  start(): void {
    if (this.started || this.stateNow === 'disposed') return
    this.started = true
    this.setState({ state: 'connecting' })
    this.connect()
  }

  /** Closes the connection, every channel and agent; nothing reconnects afterwards. */
  dispose(): void {
    if (this.stateNow === 'disposed') return
    clearTimeout(this.retryTimer)
    this.setState({ state: 'disposed' })
    this.rejectWaiters(new AppError('docker_unreachable', `SSH tunnel to ${this.label} was closed`))
    for (const agent of this.agents) agent.destroy()
    this.agents.clear()
    this.closeConnection()
  }

  /** An http.Agent for dockerode/docker-modem (`protocol: 'http'` plus this agent; never a socketPath). */
  createAgent(options: AgentOptions = {}): TunnelAgent {
    const agent = new TunnelAgent(this, options)
    this.agents.add(agent)
    return agent
  }

  /**
   * A channel to the remote Docker socket, after waiting (bounded) for a tunnel that is reconnecting. A link that
   * is down fails with `host_unreachable`; a link that is up but cannot reach the socket, with `docker_unreachable`.
   */
  async openRemoteSocket(): Promise<ChannelSocket> {
    const conn = await this.waitForConnection()
    const path = this.opts.remoteSocketPath
    return new Promise((resolve, reject) => {
      try {
        conn.client.openssh_forwardOutStreamLocal(path, (err, channel) => {
          if (err) {
            // sshd answers every failed connect() alike ("open failed"): a missing socket and a refusing one look
            // the same from here. A forbidden forward is the one case it names.
            const message = /prohibited/i.test(err.message)
              ? `The SSH server ${this.label} does not allow forwarding to ${path} (AllowStreamLocalForwarding)`
              : `The Docker socket ${path} does not exist on the server ${this.label}, or nothing listens on it`
            return reject(new AppError('docker_unreachable', message))
          }
          conn.channels.add(channel)
          channel.once('close', () => conn.channels.delete(channel))
          resolve(channelAsSocket(channel))
        })
      } catch (err) {
        // ssh2 throws synchronously when the socket closed between the wait and this call: the link went.
        reject(new AppError('host_unreachable', `The SSH link to ${this.label} closed: ${(err as Error).message}`))
      }
    })
  }

  // The options hold credentials: whatever logs or inspects a tunnel sees only where it goes and how it is.
  [inspect.custom](): string {
    return `SshTunnel(${this.label}, ${this.stateNow})`
  }

  toJSON(): { target: string; state: TunnelState } {
    return { target: this.label, state: this.stateNow }
  }

  /** Test hook: destroys the TCP connection under the SSH session, as a cut link would end it. */
  dropConnection(): void {
    this.current?.client.destroy()
  }

  private connect(): void {
    const client = new Client()
    const conn: Connection = { client, channels: new Set() }
    const verdict: HostKeyVerdict = {}
    if (this.opts.target.auth.kind === 'key' && !this.parsedKey) {
      const { privateKey, passphrase } = this.opts.target.auth
      const parsed = parsePrivateKey(privateKey, passphrase)
      if ('code' in parsed) return this.fail(parsed)
      this.parsedKey = parsed
    }
    this.current = conn
    client.on('ready', () => void this.onReady(conn))
    client.on('error', (err: Error & { level?: string }) => {
      const failure = classifyError(err, verdict, this.opts, this.label)
      if (failure && this.current === conn) return this.fail(failure)
      const { host, port } = this.opts.target
      conn.lastError ??= networkFailure(err, host, port, this.opts.readyTimeoutMs ?? 15_000)
    })
    client.on('close', () => this.onClose(conn))
    try {
      client.connect(connectConfig(this.opts, verdict, this.parsedKey))
    } catch (err) {
      this.current = undefined
      return this.fail({ code: 'validation', message: (err as Error).message })
    }
    // Without TCP_NODELAY on our side every channel open waits ~40 ms for a delayed ACK.
    client.setNoDelay(true)
  }

  private async onReady(conn: Connection): Promise<void> {
    await openNodelaySession(conn.client, Math.min(this.opts.readyTimeoutMs ?? 15_000, 5_000), this.log)
    if (this.current !== conn || this.stateNow === 'failed' || this.stateNow === 'disposed') return
    this.attempt = 0
    this.linkFailure = undefined
    this.setState({ state: 'connected' })
    for (const waiter of this.waiters) waiter.resolve(conn)
    this.waiters.clear()
  }

  private onClose(conn: Connection): void {
    for (const channel of conn.channels) abandonChannel(channel)
    if (this.current !== conn) return
    this.current = undefined
    if (this.stateNow === 'failed' || this.stateNow === 'disposed') return
    this.attempt += 1
    const nextRetryMs = backoffDelay(this.attempt, this.backoff)
    const failure = conn.lastError ?? {
      code: 'host_unreachable',
      message: `The SSH connection to ${this.opts.target.host}:${this.opts.target.port} was closed`,
    }
    this.linkFailure = failure
    this.log.warn({ reason: failure.message, attempt: this.attempt, nextRetryMs }, 'ssh lost')
    this.setState({ state: 'reconnecting', attempt: this.attempt, nextRetryMs, failure })
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      if (this.stateNow === 'reconnecting') this.connect()
    }, nextRetryMs)
  }

  private fail(failure: TunnelFailure): void {
    clearTimeout(this.retryTimer)
    this.failureNow = failure
    this.setState({ state: 'failed', failure })
    this.rejectWaiters(new AppError(failure.code, failure.message))
    this.closeConnection()
  }

  private closeConnection(): void {
    const conn = this.current
    this.current = undefined
    if (!conn) return
    conn.client.end()
    // end() waits for the peer; a dead link would never answer, so make sure the socket goes.
    setTimeout(() => conn.client.destroy(), 1_000).unref()
  }

  private waitForConnection(): Promise<Connection> {
    if (this.stateNow === 'connected' && this.current) return Promise.resolve(this.current)
    if (this.stateNow === 'failed' && this.failureNow) {
      return Promise.reject(new AppError(this.failureNow.code, this.failureNow.message))
    }
    if (this.stateNow === 'disposed') {
      return Promise.reject(new AppError('docker_unreachable', `SSH tunnel to ${this.label} was closed`))
    }
    const waitMs = this.opts.connectWaitMs ?? this.opts.readyTimeoutMs ?? 15_000
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter)
        const why = this.linkFailure?.message ?? `the SSH link to ${this.label} is not up yet`
        reject(new AppError('host_unreachable', `${why} (waited ${waitMs} ms)`))
      }, waitMs)
      const waiter: Waiter = {
        resolve: (conn) => {
          clearTimeout(timer)
          resolve(conn)
        },
        reject: (err) => {
          clearTimeout(timer)
          reject(err)
        },
      }
      this.waiters.add(waiter)
    })
  }

  private rejectWaiters(err: AppError): void {
    for (const waiter of this.waiters) waiter.reject(err)
    this.waiters.clear()
  }

  private setState(event: TunnelStateEvent): void {
    this.stateNow = event.state
    const level = event.state === 'failed' ? 'warn' : 'info'
    this.log[level]({ state: event.state, code: event.failure?.code, attempt: event.attempt }, 'ssh tunnel state')
    this.emit('state', event)
  }
}
