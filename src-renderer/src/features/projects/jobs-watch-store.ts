import { create } from 'zustand'
import type { JobSummary } from '../../../../src-preload/contract/jobs'
import { call, subscribe } from '../../lib/api'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'
import { onReconnected } from '../connection/connection-store'

const LIMIT = 50

/** `host:<id>` or `service:<id>`: the `jobs.list` filter a view watches. */
export type JobsKey = `host:${string}` | `service:${string}`

interface JobsWatchStore {
  byKey: Record<string, JobSummary[]>
  /** The latest jobs of a host or of a service, kept current through `jobs.changed`. Returns the unsubscribe. */
  watch(key: JobsKey): () => void
  cancel(id: string): Promise<void>
}

const matches = (key: string, job: JobSummary): boolean =>
  key.startsWith('host:') ? job.hostId === key.slice(5) : job.serviceId === key.slice(8)

function merge(jobs: JobSummary[], job: JobSummary): JobSummary[] {
  const index = jobs.findIndex((j) => j.id === job.id)
  if (index < 0) return [job, ...jobs].slice(0, LIMIT)
  const next = jobs.slice()
  next[index] = job
  return next
}

/**
 * The jobs of one host or service, for the project and service pages (the Jobs page keeps the global list).
 * Filtered by the server (`jobs.list {serviceId}` / `{hostId}`), so an older running job is not crowded out
 * by the newest 200 of every host.
 */
export const useJobsWatchStore = create<JobsWatchStore>((set, get) => {
  const update = (key: string, jobs: JobSummary[]): void => set({ byKey: { ...get().byKey, [key]: jobs } })
  /** Pushes that came while a list was on its way: newer than what it holds, applied on top. */
  const buffered = new Map<string, JobSummary[]>()
  const load = async (key: JobsKey): Promise<void> => {
    const filter = key.startsWith('host:') ? { hostId: key.slice(5) } : { serviceId: key.slice(8) }
    const pending: JobSummary[] = []
    buffered.set(key, pending)
    try {
      const listed = await call('jobs.list', { ...filter, limit: LIMIT })
      update(key, pending.reduce(merge, listed))
    } catch {
      // The page still works without its job list; the next push or a reconnect fills it.
    } finally {
      if (buffered.get(key) === pending) buffered.delete(key)
    }
  }
  const watchShared = sharedSubscriptions((key: JobsKey) => {
    const stopEvents = subscribe('jobs.changed', ({ job }) => {
      if (!matches(key, job)) return
      const pending = buffered.get(key)
      if (pending) pending.push(job)
      update(key, merge(get().byKey[key] ?? [], job))
    })
    const stopReconnect = onReconnected(() => void load(key))
    void load(key)
    return () => {
      stopEvents()
      stopReconnect()
    }
  })
  return {
    byKey: {},
    watch: (key) => watchShared(key),
    async cancel(id) {
      const job = await call('jobs.cancel', { id })
      const byKey = { ...get().byKey }
      for (const key of Object.keys(byKey)) if (matches(key, job)) byKey[key] = merge(byKey[key]!, job)
      set({ byKey })
    },
  }
})
