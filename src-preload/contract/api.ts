import type { EventName, RequestMethod, StreamName } from './channels'
import type { Envelope, ErrorBody } from './errors'
import type { EventPayload, RequestInput, RequestOutput } from './schemas'

/** The shape of `window.api` exposed by the preload: one function per request, plus event subscription. */
export type RequestFunctions = {
  [M in RequestMethod]: (input: RequestInput<M>) => Promise<Envelope<RequestOutput<M>>>
}

export type StreamMessage = { kind: 'data'; data: unknown } | { kind: 'end'; error?: ErrorBody }

export interface DesktopStreams {
  /** Opens stream `name` under an id the renderer chose; data and the end arrive through `onMessage`. */
  open(id: number, name: StreamName, params: unknown): Promise<Envelope<Record<string, never>>>
  close(id: number): void
  input(id: number, input: unknown): void
  /** The renderer has rendered `count` more messages of this stream (flow control). */
  ack(id: number, count: number): void
  onMessage(listener: (id: number, message: StreamMessage) => void): () => void
}

export interface DesktopApi {
  request: RequestFunctions
  streams: DesktopStreams
  /** Subscribe to one event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}
