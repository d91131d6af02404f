import { Writable } from 'node:stream'
import type { JobStatus, JobSummary } from '../../../src-preload/contract/jobs'
import { createLogger } from '../../infra/logging/logger'
import { bundledMigrations } from '../../infra/sqlite/bundled-migrations'
import { openDatabase, type Database } from '../../infra/sqlite/open-database'
import { EventBus } from '../events/event-bus'
import { JobRunner } from './job-runner'
import type { JobRunnerOptions } from './job-types'

/** Helpers for the jobs specs only: production code never imports this file (it registers no job kind). */
export interface Harness {
  db: Database
  events: EventBus
  runner: JobRunner
  changes: JobSummary[]
  logged: () => Record<string, unknown>[]
  /** Resolves with the job once an event shows it in one of `statuses`. */
  until(id: string, ...statuses: JobStatus[]): Promise<JobSummary>
}

export function harness(options: JobRunnerOptions & { db?: Database } = {}): Harness {
  const db = options.db ?? openDatabase(':memory:', { migrations: bundledMigrations })
  const events = new EventBus()
  const changes: JobSummary[] = []
  events.on('jobs.changed', ({ job }) => changes.push(job))
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  const logger = createLogger({ level: 'debug', destination })
  const runner = new JobRunner(db, events, logger, options)
  return {
    db,
    events,
    runner,
    changes,
    logged: () => lines.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l) as never),
    until: (id, ...statuses) =>
      new Promise((resolve) => {
        const seen = changes.find((job) => job.id === id && statuses.includes(job.status))
        if (seen) return resolve(seen)
        const stop = events.on('jobs.changed', ({ job }) => {
          if (job.id !== id || !statuses.includes(job.status)) return
          stop()
          resolve(job)
        })
      }),
  }
}

export interface Gate {
  promise: Promise<void>
  open(): void
}

export function gate(): Gate {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check` holds, polling (for effects that have no event of their own). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await sleep(5)
  }
}
