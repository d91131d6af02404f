import { create } from 'zustand'
import type { CreatedToken, CreateTokenInput, TokenSummary } from '../../../../src-preload/contract/schemas'
import { call, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'

interface TokensStore {
  tokens: TokenSummary[]
  loading: boolean
  error: ApiError | null
  load(): Promise<void>
  create(input: CreateTokenInput): Promise<CreatedToken>
  revoke(id: string): Promise<void>
  /** Keeps the list current while a screen shows it; returns the unsubscribe. */
  watch(): () => void
}

export const useTokensStore = create<TokensStore>((set, get) => ({
  tokens: [],
  loading: true,
  error: null,
  async load() {
    try {
      set({ tokens: await call('tokens.list', {}), error: null, loading: false })
    } catch (err) {
      set({ error: err as ApiError, loading: false })
    }
  },
  async create(input) {
    const created = await call('tokens.create', input)
    await get().load()
    return created
  },
  async revoke(id) {
    await call('tokens.revoke', { id })
    set({ tokens: get().tokens.filter((t) => t.id !== id) })
  },
  watch() {
    // Subscribe first, then fetch: a change between the two is never missed.
    const unsubscribe = subscribe('tokens.changed', () => void get().load())
    set({ loading: true })
    void get().load()
    return unsubscribe
  },
}))
