import type { EventName, RequestMethod } from './channels'
import type { Envelope } from './errors'
import type { EventPayload, RequestInput, RequestOutput } from './schemas'

/** The shape of `window.api` exposed by the preload: one function per request, plus event subscription. */
export type RequestFunctions = {
  [M in RequestMethod]: (input: RequestInput<M>) => Promise<Envelope<RequestOutput<M>>>
}

export interface DesktopApi {
  request: RequestFunctions
  /** Subscribe to one event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}
