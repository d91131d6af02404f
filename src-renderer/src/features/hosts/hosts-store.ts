import { create } from 'zustand'
import type { HostMetrics } from '../../../../src-preload/contract/containers'
import type {
  CreateHostInput,
  HostSummary,
  ImportCandidates,
  ProbeResult,
  TestHostInput,
  TestHostResult,
  UpdateHostInput,
} from '../../../../src-preload/contract/hosts'
import { call, openStream, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { onReconnected } from '../connection/connection-store'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'

interface HostsStore {
  hosts: HostSummary[]
  status: 'loading' | 'ready' | 'error'
  error: ApiError | null
  /** Latest `hosts.metrics` sample per host, while someone watches it. */
  metrics: Record<string, HostMetrics>
  load(): Promise<void>
  /** Keeps the list current through `hosts.changed`; returns the unsubscribe. */
  watch(): () => void
  /** Streams a host's running/total, CPU and memory while the caller shows them. */
  watchMetrics(hostId: string): () => void
  probe(host: string, port: number): Promise<ProbeResult>
  create(input: CreateHostInput): Promise<HostSummary>
  update(input: UpdateHostInput): Promise<HostSummary>
  /** Connects step by step without storing anything (`hosts.test`). */
  test(input: TestHostInput): Promise<TestHostResult>
  retry(id: string): Promise<HostSummary>
  remove(id: string): Promise<void>
  replaceHostKey(id: string, hostKeyFingerprint: string): Promise<HostSummary>
  importCandidates(): Promise<ImportCandidates>
}

const METRICS_RETRY_MS = 3000

function upsert(hosts: HostSummary[], host: HostSummary): HostSummary[] {
  const index = hosts.findIndex((h) => h.id === host.id)
  if (index < 0) return [...hosts, host]
  const next = hosts.slice()
  next[index] = host
  return next
}

let watchers = 0
let stopWatching: (() => void) | null = null

export const useHostsStore = create<HostsStore>((set, get) => ({
  hosts: [],
  status: 'loading',
  error: null,
  metrics: {},
  async load() {
    try {
      set({ hosts: await call('hosts.list', {}), status: 'ready', error: null })
    } catch (err) {
      set({ status: 'error', error: err as ApiError })
    }
  },
  watch() {
    // Shared by every screen that shows hosts: one subscription, one fetch.
    if (watchers++ === 0) {
      // Subscribe first, then fetch: a change between the two is never missed.
      const stopEvents = subscribe('hosts.changed', ({ hostId, host }) => {
        const hosts = get().hosts
        set({ hosts: host ? upsert(hosts, host) : hosts.filter((h) => h.id !== hostId) })
      })
      const stopReconnect = onReconnected(() => void get().load())
      stopWatching = () => {
        stopEvents()
        stopReconnect()
      }
      void get().load()
    }
    let done = false
    return () => {
      if (done) return
      done = true
      if (--watchers === 0) {
        stopWatching?.()
        stopWatching = null
      }
    }
  },
  watchMetrics(hostId) {
    return sharedMetrics(hostId)
  },
  probe: (host, port) => call('hosts.probe', { ssh: { host, port } }),
  async create(input) {
    const host = await call('hosts.create', input)
    set({ hosts: upsert(get().hosts, host) })
    return host
  },
  async update(input) {
    const host = await call('hosts.update', input)
    set({ hosts: upsert(get().hosts, host) })
    return host
  },
  test: (input) => call('hosts.test', input),
  async retry(id) {
    const host = await call('hosts.retry', { id })
    set({ hosts: upsert(get().hosts, host) })
    return host
  },
  async remove(id) {
    await call('hosts.remove', { id })
    set({ hosts: get().hosts.filter((h) => h.id !== id) })
  },
  async replaceHostKey(id, hostKeyFingerprint) {
    const host = await call('hosts.replaceHostKey', { id, hostKeyFingerprint })
    set({ hosts: upsert(get().hosts, host) })
    return host
  },
  importCandidates: () => call('hosts.importCandidates', {}),
}))

/** Opens the metrics stream and reopens it after it ends (a dropped browser link, a restarted server). */
/** One `hosts.metrics` stream per host, shared by every card and page that shows it. */
const sharedMetrics = sharedSubscriptions((hostId: string) =>
  openMetrics(hostId, (sample) =>
    useHostsStore.setState((state) => ({ metrics: { ...state.metrics, [hostId]: sample } })),
  ),
)

function openMetrics(hostId: string, onSample: (sample: HostMetrics) => void): () => void {
  let stopped = false
  let retry: ReturnType<typeof setTimeout> | undefined
  let subscription: { close(): void } | null = null
  const open = (): void => {
    subscription = openStream(
      'hosts.metrics',
      { hostId },
      {
        onData: onSample,
        onEnd: (error) => {
          subscription = null
          if (stopped || error?.code === 'not_found' || error?.code === 'forbidden') return
          retry = setTimeout(open, METRICS_RETRY_MS)
        },
      },
    )
  }
  open()
  return () => {
    stopped = true
    clearTimeout(retry)
    subscription?.close()
  }
}
