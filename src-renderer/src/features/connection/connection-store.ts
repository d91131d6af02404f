import { create } from 'zustand'
import { isDesktop, setTransport } from '../../lib/api'
import { forgetToken, storedToken, storeToken } from '../../lib/session-token'
import type { ConnectionState } from '../../lib/transport'
import { createWsTransport } from '../../lib/ws-transport'

type Status = ConnectionState | 'signed-out'

interface ConnectionStore {
  status: Status
  detail?: string
  transportKind: 'ipc' | 'websocket' | null
  /** Connects with the desktop IPC bridge, or with the token kept for this browser tab. */
  start(): void
  login(token: string): void
  logout(): void
}

let stopWatching: (() => void) | null = null

export const useConnectionStore = create<ConnectionStore>((set, get) => ({
  status: isDesktop() ? 'connected' : 'signed-out',
  transportKind: isDesktop() ? 'ipc' : null,
  start() {
    if (isDesktop() || get().status !== 'signed-out') return
    const token = storedToken()
    if (token) get().login(token)
  },
  login(token) {
    storeToken(token)
    stopWatching?.()
    const transport = createWsTransport(token)
    setTransport(transport)
    set({ status: 'connecting', transportKind: 'websocket', detail: undefined })
    stopWatching = transport.onState((status, detail) => {
      if (status === 'unauthorized') forgetToken()
      set({ status, detail })
    })
  },
  logout() {
    stopWatching?.()
    stopWatching = null
    setTransport(null)
    forgetToken()
    set({ status: 'signed-out', detail: undefined, transportKind: null })
  },
}))

/**
 * Calls `listener` each time the link to glinrdock comes back after a drop (browser mode): events sent
 * meanwhile were lost, so whoever keeps a list current refetches it. Returns the unsubscribe.
 */
export function onReconnected(listener: () => void): () => void {
  return useConnectionStore.subscribe((state, previous) => {
    if (state.status === 'connected' && previous.status === 'reconnecting') listener()
  })
}
