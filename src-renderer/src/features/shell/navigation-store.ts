import { create } from 'zustand'

export type View = 'dashboard' | 'settings'

export const useNavigationStore = create<{ view: View; go(view: View): void }>((set) => ({
  view: 'dashboard',
  go: (view) => set({ view }),
}))
