import { create } from 'zustand'
import type { SecretsStatus } from '../../../../src-preload/contract/schemas'
import { call, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'

interface SecretsStore {
  status: SecretsStatus | null
  error: ApiError | null
  load(): Promise<void>
  consent(): Promise<void>
  watch(): () => void
}

export const useSecretsStore = create<SecretsStore>((set, get) => ({
  status: null,
  error: null,
  async load() {
    try {
      set({ status: await call('secrets.status', {}), error: null })
    } catch (err) {
      set({ error: err as ApiError })
    }
  },
  async consent() {
    set({ status: await call('secrets.consent', { accept: true }) })
  },
  watch() {
    const unsubscribe = subscribe('secrets.changed', (status) => set({ status }))
    void get().load()
    return unsubscribe
  },
}))
