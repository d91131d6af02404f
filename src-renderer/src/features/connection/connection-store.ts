import { create } from 'zustand'
import { roleAllows, type Permission, type Role } from '../../../../src-preload/contract/roles'
import { call, isDesktop, setTransport } from '../../lib/api'
import { forgetToken, storedToken, storeToken } from '../../lib/session-token'
import type { ConnectionState } from '../../lib/transport'
import { createWsTransport } from '../../lib/ws-transport'

type Status = ConnectionState | 'signed-out'

interface ConnectionStore {
  status: Status
  detail?: string
  transportKind: 'ipc' | 'websocket' | null
  /** The caller's role once known (the desktop user is always admin); the server checks it regardless. */
  role: Role | null
  /** Connects with the desktop IPC bridge, or with the token kept for this browser tab. */
  start(): void
  login(token: string): void
  logout(): void
}

let stopWatching: (() => void) | null = null

export const useConnectionStore = create<ConnectionStore>((set, get) => ({
  status: isDesktop() ? 'connected' : 'signed-out',
  transportKind: isDesktop() ? 'ipc' : null,
  role: isDesktop() ? 'admin' : null,
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
    set({ status: 'connecting', transportKind: 'websocket', detail: undefined, role: null })
    stopWatching = transport.onState((status, detail) => {
      if (status === 'unauthorized') forgetToken()
      set({ status, detail })
      if (status === 'connected' && get().role === null) {
        void call('session.info', {})
          .then(({ role }) => set({ role }))
          .catch(() => undefined)
      }
    })
  },
  logout() {
    stopWatching?.()
    stopWatching = null
    setTransport(null)
    forgetToken()
    set({ status: 'signed-out', detail: undefined, transportKind: null, role: null })
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

const ROLE_FOR: Record<Permission, string> = { read: 'viewer', operate: 'deployer', admin: 'admin' }

/** True while glinrdock itself answers: every live indicator and action depends on it. */
export const useLinkUp = (): boolean => useConnectionStore((state) => state.status === 'connected')

/**
 * Whether the caller may do something needing `permission` right now, and the tooltip that says why
 * not: the role, or a lost link to glinrdock (then nothing can be done until it is back). Buttons are
 * disabled rather than hidden, so a viewer still sees what exists.
 */
export function useCan(permission: Permission): { allowed: boolean; reason: string | undefined } {
  const role = useConnectionStore((state) => state.role)
  const linkUp = useLinkUp()
  if (!linkUp) return { allowed: false, reason: 'Not connected to glinrdock' }
  const allowed = role !== null && roleAllows(role, permission)
  return { allowed, reason: allowed ? undefined : `Needs the ${ROLE_FOR[permission]} role` }
}

/** Whether the caller's role allows `permission`, whatever the link's state (for what to show, not to enable). */
export function useRoleAllows(permission: Permission): boolean | null {
  const role = useConnectionStore((state) => state.role)
  return role === null ? null : roleAllows(role, permission)
}
