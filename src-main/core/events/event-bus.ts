import type { EventName } from '../../../src-preload/contract/channels'
import type { EventPayload } from '../../../src-preload/contract/schemas'

type Listener<E extends EventName> = (payload: EventPayload<E>) => void
type AnyListener = (event: EventName, payload: unknown) => void

/**
 * In-process pub/sub for core events. Transports subscribe with `onAny` and filter by permission.
 * Each listener runs behind its own barrier: one that throws (a transport whose client just went)
 * neither fails the emitting request nor keeps the other listeners from hearing the event.
 */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>()
  private readonly anyListeners = new Set<AnyListener>()

  constructor(private readonly onListenerError: (err: unknown, event: EventName) => void = () => undefined) {}

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) this.guard(event, () => listener(payload))
    for (const listener of [...this.anyListeners]) this.guard(event, () => listener(event, payload))
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

  private guard(event: EventName, run: () => void): void {
    try {
      run()
    } catch (err) {
      this.onListenerError(err, event)
    }
  }
}
