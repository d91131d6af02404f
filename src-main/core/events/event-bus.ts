import type { EventName } from '../../../src-preload/contract/channels'
import type { EventPayload } from '../../../src-preload/contract/schemas'

type Listener<E extends EventName> = (payload: EventPayload<E>) => void
type AnyListener = (event: EventName, payload: unknown) => void

/** In-process pub/sub for core events. Transports subscribe with `onAny` and filter by permission. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>()
  private readonly anyListeners = new Set<AnyListener>()

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload)
    for (const listener of this.anyListeners) listener(event, payload)
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<EventName>)
    return () => set.delete(listener as Listener<EventName>)
  }

  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener)
    return () => this.anyListeners.delete(listener)
  }
}
