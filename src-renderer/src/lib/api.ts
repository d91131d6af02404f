import type { DesktopApi } from '../../../src-preload/contract/api'
import type { EventName, RequestMethod, StreamName } from '../../../src-preload/contract/channels'
import type {
  EventPayload,
  RequestInput,
  RequestOutput,
  StreamData,
  StreamInput,
  StreamParams,
} from '../../../src-preload/contract/schemas'
import { ApiError } from './api-error'
import { createIpcTransport } from './ipc-transport'
import type { Transport } from './transport'

declare global {
  interface Window {
    api?: DesktopApi
  }
}

/** The only module that knows how the renderer reaches the main process. */
let transport: Transport | null = window.api ? createIpcTransport(window.api) : null

export const isDesktop = (): boolean => window.api !== undefined

export function setTransport(next: Transport | null): void {
  transport?.close()
  transport = next
}

export function currentTransport(): Transport {
  if (!transport) throw new Error('Not connected')
  return transport
}

export async function call<M extends RequestMethod>(method: M, input: RequestInput<M>): Promise<RequestOutput<M>> {
  const envelope = await currentTransport().request(method, input)
  if (!envelope.ok) throw new ApiError(envelope.error)
  return envelope.value as RequestOutput<M>
}

export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return currentTransport().on(event, listener as (payload: unknown) => void)
}

export interface StreamSubscription<S extends StreamName> {
  input(input: StreamInput<S>): void
  /** Only with `manualAck`: the caller has rendered `count` more messages. */
  ack(count: number): void
  close(): void
}

/**
 * Opens a stream (logs, stats, terminal). Each message is acknowledged after `onData` returns,
 * unless `manualAck` is set, for consumers that render asynchronously (xterm's write callback).
 */
export function openStream<S extends StreamName>(
  name: S,
  params: StreamParams<S>,
  handlers: { onData(data: StreamData<S>): void; onEnd?(error?: ApiError): void },
  options: { manualAck?: boolean } = {},
): StreamSubscription<S> {
  const handle = currentTransport().openStream(name, params, {
    onData(data) {
      handlers.onData(data as StreamData<S>)
      if (!options.manualAck) handle.ack(1)
    },
    onEnd(error) {
      handlers.onEnd?.(error ? new ApiError(error) : undefined)
    },
  })
  return { input: (input) => handle.input(input), ack: (count) => handle.ack(count), close: () => handle.close() }
}
