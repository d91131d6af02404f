import { create } from 'zustand'
import type { JobSummary } from '../../../../src-preload/contract/jobs'
import { call, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'
import { onReconnected } from '../connection/connection-store'

const LIMIT = 200

interface JobsStore {
  jobs: JobSummary[]
  status: 'loading' | 'ready' | 'error'
  error: ApiError | null
  load(): Promise<void>
  /** Keeps the list current through `jobs.changed` (no polling); returns the unsubscribe. */
  watch(): () => void
  cancel(id: string): Promise<void>
}

/** Newest first, as the server lists them; an update replaces the row, a new job goes on top. */
function merge(jobs: JobSummary[], job: JobSummary): JobSummary[] {
  const index = jobs.findIndex((j) => j.id === job.id)
  if (index < 0) return [job, ...jobs].slice(0, LIMIT)
  const next = jobs.slice()
  next[index] = job
  return next
}

export const useJobsStore = create<JobsStore>((set, get) => {
  /** One `jobs.changed` subscription however many views watch (the Jobs page, a pull dialog). */
  const watchShared = sharedSubscriptions(() => {
    const stopEvents = subscribe('jobs.changed', ({ job }) => set({ jobs: merge(get().jobs, job) }))
    const stopReconnect = onReconnected(() => void get().load())
    void get().load()
    return () => {
      stopEvents()
      stopReconnect()
    }
  })
  return {
    jobs: [],
    status: 'loading',
    error: null,
    async load() {
      if (get().status !== 'ready') set({ status: 'loading', error: null })
      try {
        set({ jobs: await call('jobs.list', { limit: LIMIT }), status: 'ready', error: null })
      } catch (err) {
        set({ status: 'error', error: err as ApiError })
      }
    },
    watch: () => watchShared('jobs'),
    async cancel(id) {
      const job = await call('jobs.cancel', { id })
      set({ jobs: merge(get().jobs, job) })
    },
  }
})
