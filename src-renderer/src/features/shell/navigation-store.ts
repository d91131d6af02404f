import { create } from 'zustand'
import { useRoute } from './use-route'

interface NavigationStore {
  /** The host last opened; the header keeps showing it on the dashboard and in Settings. */
  lastHostId: string | null
  remember(hostId: string): void
  /** The host went away (removed): forget it. */
  forget(hostId: string): void
}

export const useNavigationStore = create<NavigationStore>((set, get) => ({
  lastHostId: null,
  remember: (hostId) => get().lastHostId !== hostId && set({ lastHostId: hostId }),
  forget: (hostId) => get().lastHostId === hostId && set({ lastHostId: null }),
}))

/** The host the user is working on: the one in the address, else the one last opened. */
export function useCurrentHostId(): string | null {
  const route = useRoute()
  const last = useNavigationStore((s) => s.lastHostId)
  return route.hostId ?? last
}
