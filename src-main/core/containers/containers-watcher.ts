import type { DockerEvent } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { EventBus } from '../events/event-bus'
import type { HostConnections } from '../hosts/host-connections'
import type { ContainerService } from './container-service'

/** Events that change nothing a list shows. */
const IGNORED_ACTIONS = /^(exec_|top|attach|resize|archive-path|extract-to-dir|copy|export|commit)/
const SETTLE_MS = 50

/**
 * Turns the engine's event stream into `containers.changed` pushes: the ids touched in a short window
 * are re-read with one filtered list call, so clients get fresh rows (or removals) without polling.
 * After a reconnect, a full list is pushed with `reset` since events may have been missed meanwhile.
 */
export class ContainersWatcher {
  private readonly pending = new Map<string, Set<string>>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly stops: (() => void)[] = []

  constructor(
    private readonly connections: HostConnections,
    private readonly containers: ContainerService,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {
    this.stops.push(connections.onEngineEvent((hostId, event) => this.onEvent(hostId, event)))
    this.stops.push(connections.onResync((hostId) => void this.pushFull(hostId)))
  }

  private onEvent(hostId: string, event: DockerEvent): void {
    // The host's one event stream also carries image, volume and network events (the resources watcher's).
    if (event.Type !== 'container') return
    const action = event.Action ?? ''
    const id = event.Actor?.ID
    if (!id || IGNORED_ACTIONS.test(action)) return
    let ids = this.pending.get(hostId)
    if (!ids) this.pending.set(hostId, (ids = new Set()))
    ids.add(id)
    if (!this.timers.has(hostId))
      this.timers.set(
        hostId,
        setTimeout(() => void this.flush(hostId), SETTLE_MS),
      )
  }

  private async flush(hostId: string): Promise<void> {
    this.timers.delete(hostId)
    const ids = [...(this.pending.get(hostId) ?? [])]
    this.pending.delete(hostId)
    if (ids.length === 0) return
    try {
      const upserted = await this.containers.list(hostId, { id: ids })
      const present = new Set(upserted.map((c) => c.id))
      this.events.emit('containers.changed', { hostId, upserted, removed: ids.filter((id) => !present.has(id)) })
    } catch (err) {
      this.log.warn({ hostId, err: (err as Error).message }, 'could not refresh changed containers')
    }
  }

  private async pushFull(hostId: string): Promise<void> {
    try {
      const upserted = await this.containers.list(hostId)
      this.events.emit('containers.changed', { hostId, upserted, removed: [], reset: true })
    } catch (err) {
      this.log.warn({ hostId, err: (err as Error).message }, 'could not resync containers')
    }
  }

  dispose(): void {
    for (const stop of this.stops) stop()
    for (const timer of this.timers.values()) clearTimeout(timer)
  }
}
