import type { DesktopApi } from '../../../src-preload/contract/api'
import type { StreamHandlers, Transport } from './transport'

/** Inside Electron: the preload's `window.api`, which is always connected. */
export function createIpcTransport(api: DesktopApi): Transport {
  let nextStreamId = 1
  const streams = new Map<number, StreamHandlers>()
  api.streams.onMessage((id, message) => {
    const handlers = streams.get(id)
    if (!handlers) return
    if (message.kind === 'data') handlers.onData(message.data)
    else {
      streams.delete(id)
      handlers.onEnd(message.error)
    }
  })
  return {
    kind: 'ipc',
    request: (method, input) => (api.request[method] as (input: unknown) => ReturnType<Transport['request']>)(input),
    on: (event, listener) => api.on(event, listener),
    onState: (listener) => {
      listener('connected')
      return () => undefined
    },
    openStream(name, params, handlers) {
      const id = nextStreamId++
      streams.set(id, handlers)
      void api.streams.open(id, name, params).then((result) => {
        if (!result.ok && streams.delete(id)) handlers.onEnd(result.error)
      })
      return {
        input: (input) => api.streams.input(id, input),
        ack: (count) => api.streams.ack(id, count),
        close: () => {
          if (streams.delete(id)) api.streams.close(id)
        },
      }
    },
    close: () => undefined,
  }
}
