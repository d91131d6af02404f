import type { HostSummary } from '../../../src-preload/contract/hosts'
import type { DockerEvent } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { SshTunnel } from '../../infra/ssh'
import type { EventBus } from '../events/event-bus'
import { AppError } from '../shared/app-error'
import { HostConnection } from './host-connection'
import { effectiveProxySettings } from './host-proxy-settings'
import type { HostRecord } from './host-store'

type EngineEventListener = (hostId: string, event: DockerEvent) => void
type ResyncListener = (hostId: string) => void

/** Every live HostConnection, by host id. The containers domain reaches engines only through here. */
export class HostConnections {
  private readonly live = new Map<string, HostConnection>()
  private readonly engineListeners = new Set<EngineEventListener>()
  private readonly resyncListeners = new Set<ResyncListener>()
  private readonly dialing = new Set<Promise<void>>()

  constructor(
    private readonly openTunnel: (host: HostRecord) => Promise<SshTunnel>,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {}

  open(host: HostRecord): HostConnection {
    this.close(host.id)
    const connection = new HostConnection(
      host,
      this.openTunnel,
      {
        changed: () => {
          if (this.live.get(host.id) === connection) {
            // The connection's record, not `host`: a rename since the link opened must not be undone here.
            this.events.emit('hosts.changed', { hostId: host.id, host: this.summary(connection.host) })
          }
        },
        engineEvent: (event) => {
          for (const listener of this.engineListeners) listener(host.id, event)
        },
        resynced: () => {
          for (const listener of this.resyncListeners) listener(host.id)
        },
      },
      this.log.child({ host: host.id }),
    )
    this.live.set(host.id, connection)
    const dialed = connection
      .start()
      .catch(() => undefined)
      .finally(() => this.dialing.delete(dialed))
    this.dialing.add(dialed)
    return connection
  }

  /**
   * Waits (at most `timeoutMs`) until every link opened so far has sent its first connection attempt. Opening
   * one goes through async steps (unsealing its key); a caller about to run long synchronous start-up work waits
   * here first, so SSH handshakes run alongside that work instead of queuing behind it.
   */
  async dialed(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const capped = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
    await Promise.race([Promise.all(this.dialing), capped])
    clearTimeout(timer)
  }

  /** A new name or labels for a host whose link settings did not change: the link stays up. */
  refresh(host: HostRecord): void {
    const connection = this.live.get(host.id)
    if (connection) connection.host = host
  }

  /** Tries a failed or reconnecting host again now (a host without a live connection gets one). */
  retry(host: HostRecord): void {
    const connection = this.live.get(host.id)
    if (connection) connection.retry()
    else this.open(host)
  }

  close(id: string): void {
    const connection = this.live.get(id)
    if (!connection) return
    this.live.delete(id)
    connection.dispose()
  }

  get(id: string): HostConnection {
    const connection = this.live.get(id)
    if (!connection) throw new AppError('not_found', `No host with id ${id}`)
    return connection
  }

  all(): HostConnection[] {
    return [...this.live.values()]
  }

  onEngineEvent(listener: EngineEventListener): () => void {
    this.engineListeners.add(listener)
    return () => this.engineListeners.delete(listener)
  }

  onResync(listener: ResyncListener): () => void {
    this.resyncListeners.add(listener)
    return () => this.resyncListeners.delete(listener)
  }

  summary(host: HostRecord): HostSummary {
    const connection = this.live.get(host.id)
    return {
      id: host.id,
      name: host.name,
      kind: host.kind,
      socketPath: host.socketPath,
      labels: host.labels,
      ssh: host.ssh && {
        host: host.ssh.host,
        port: host.ssh.port,
        username: host.ssh.username,
        auth: host.ssh.auth,
        privateKeyPath: host.ssh.privateKeyPath,
        hostKeyType: host.ssh.hostKeyType,
        hostKeyFingerprint: host.ssh.hostKeyFingerprint,
      },
      state: connection?.state ?? 'failed',
      failure: connection?.failure ?? null,
      nextRetryAt: connection?.nextRetryAt ?? null,
      engine: connection?.engine ?? null,
      proxy: effectiveProxySettings(host.proxy),
      createdAt: host.createdAt,
    }
  }

  dispose(): void {
    for (const id of [...this.live.keys()]) this.close(id)
  }
}
