import type { EventName, RequestMethod } from '../../../src-preload/contract/channels'
import type { Envelope } from '../../../src-preload/contract/errors'

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized'

/** What the renderer needs from the main process, whichever way it is reached (IPC or WebSocket). */
export interface Transport {
  readonly kind: 'ipc' | 'websocket'
  request(method: RequestMethod, input: unknown): Promise<Envelope<unknown>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
  onState(listener: (state: ConnectionState, detail?: string) => void): () => void
  close(): void
}
