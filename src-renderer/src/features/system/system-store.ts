import { create } from 'zustand'
import type { SystemInfo } from '../../../../src-preload/contract/schemas'
import { call } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'

interface SystemStore {
  info: SystemInfo | null
  error: ApiError | null
  loading: boolean
  load(): Promise<void>
}

export const useSystemStore = create<SystemStore>((set) => ({
  info: null,
  error: null,
  loading: false,
  async load() {
    set({ loading: true })
    try {
      set({ info: await call('system.info', {}), error: null, loading: false })
    } catch (err) {
      set({ error: err as ApiError, loading: false })
    }
  },
}))
