import type { DesktopApi } from '../../../src-preload/contract/api'
import type { Transport } from './transport'

/** Inside Electron: the preload's `window.api`, which is always connected. */
export function createIpcTransport(api: DesktopApi): Transport {
  return {
    kind: 'ipc',
    request: (method, input) => (api.request[method] as (input: unknown) => ReturnType<Transport['request']>)(input),
    on: (event, listener) => api.on(event, listener),
    onState: (listener) => {
      listener('connected')
      return () => undefined
    },
    close: () => undefined,
  }
}
