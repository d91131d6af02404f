import { RESOURCE_KINDS, type ResourceKind } from '../../../src-preload/contract/resources'
import type { DockerEvent } from '../../infra/docker'
import type { EventBus } from '../events/event-bus'
import type { HostConnections } from '../hosts/host-connections'

/** A prune or a compose down fires one engine event per object; clients need one refetch, not hundreds. */
export const THROTTLE_MS = 250

const KIND_OF_TYPE: Record<string, ResourceKind> = { image: 'image', volume: 'volume', network: 'network' }
/**
 * Creating or destroying a container changes which images, volumes and networks are in use, but the engine
 * reports no image event for it, nor a volume or network event for a stopped container's mounts.
 */
const CONTAINER_USAGE_ACTIONS = new Set(['create', 'destroy'])

interface Gate {
  timer: NodeJS.Timeout
  pending: boolean
}

/**
 * Engine events → `resources.changed {hostId, kind}`, throttled per host and kind: the first event is pushed
 * at once, later ones within 250 ms are folded into one push at the end of the window. After a reconnect every
 * kind is pushed, since events may have been missed meanwhile.
 */
export class ResourcesWatcher {
  private readonly gates = new Map<string, Gate>()
  private readonly stops: (() => void)[] = []

  constructor(
    connections: HostConnections,
    private readonly events: EventBus,
  ) {
    this.stops.push(connections.onEngineEvent((hostId, event) => this.onEvent(hostId, event)))
    this.stops.push(connections.onResync((hostId) => RESOURCE_KINDS.forEach((kind) => this.changed(hostId, kind))))
  }

  private onEvent(hostId: string, event: DockerEvent): void {
    const kind = KIND_OF_TYPE[event.Type]
    if (kind) this.changed(hostId, kind)
    else if (event.Type === 'container' && CONTAINER_USAGE_ACTIONS.has(event.Action)) {
      for (const each of RESOURCE_KINDS) this.changed(hostId, each)
    }
  }

  private changed(hostId: string, kind: ResourceKind): void {
    const key = `${hostId}\0${kind}`
    const gate = this.gates.get(key)
    if (gate) {
      gate.pending = true
      return
    }
    this.events.emit('resources.changed', { hostId, kind })
    this.open(key, hostId, kind)
  }

  private open(key: string, hostId: string, kind: ResourceKind): void {
    const gate: Gate = {
      pending: false,
      timer: setTimeout(() => {
        this.gates.delete(key)
        if (!gate.pending) return
        this.events.emit('resources.changed', { hostId, kind })
        this.open(key, hostId, kind)
      }, THROTTLE_MS),
    }
    this.gates.set(key, gate)
  }

  dispose(): void {
    for (const stop of this.stops) stop()
    for (const gate of this.gates.values()) clearTimeout(gate.timer)
    this.gates.clear()
  }
}
