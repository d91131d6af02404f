import type { DesktopApi } from '../../../src-preload/contract/api'
import type { EventName, RequestMethod } from '../../../src-preload/contract/channels'
import type { EventPayload, RequestInput, RequestOutput } from '../../../src-preload/contract/schemas'
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
