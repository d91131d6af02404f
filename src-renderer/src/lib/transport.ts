import type { EventName, RequestMethod, StreamName } from '../../../src-preload/contract/channels'
import type { Envelope, ErrorBody } from '../../../src-preload/contract/errors'

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized'

/** What the renderer needs from the main process, whichever way it is reached (IPC or WebSocket). */
export interface StreamHandlers {
  onData(data: unknown): void
  onEnd(error?: ErrorBody): void
}

export interface StreamHandle {
  input(input: unknown): void
  /** The UI has rendered `count` more messages (flow control: the main process pauses when we lag). */
  ack(count: number): void
  close(): void
}

export interface Transport {
  readonly kind: 'ipc' | 'websocket'
  request(method: RequestMethod, input: unknown): Promise<Envelope<unknown>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
  onState(listener: (state: ConnectionState, detail?: string) => void): () => void
  openStream(name: StreamName, params: unknown, handlers: StreamHandlers): StreamHandle
  close(): void
}
