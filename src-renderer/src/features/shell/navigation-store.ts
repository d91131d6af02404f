import { create } from 'zustand'

export type View = 'dashboard' | 'hosts' | 'host' | 'container' | 'settings'

interface NavigationStore {
  view: View
  /** The host the user is working on; kept when they go to the dashboard so the header can still show it. */
  hostId: string | null
  containerId: string | null
  go(view: View): void
  openHost(hostId: string): void
  openContainer(hostId: string, containerId: string): void
  /** The host went away (removed): forget it. */
  forgetHost(hostId: string): void
}

export const useNavigationStore = create<NavigationStore>((set, get) => ({
  view: 'dashboard',
  hostId: null,
  containerId: null,
  go: (view) => set({ view }),
  openHost: (hostId) => set({ view: 'host', hostId, containerId: null }),
  openContainer: (hostId, containerId) => set({ view: 'container', hostId, containerId }),
  forgetHost(hostId) {
    if (get().hostId !== hostId) return
    const view = get().view
    set({ hostId: null, containerId: null, view: view === 'host' || view === 'container' ? 'hosts' : view })
  },
}))
