import { hostname } from 'node:os'
import type { Database } from 'better-sqlite3'
import {
  FINISHED_JOB_STATUSES,
  JobKind,
  type JobError,
  type JobLogLine,
  type JobStatus,
  type JobSummary,
} from '../../../src-preload/contract/jobs'
import type { Logger } from '../../infra/logging/logger'
import type { EventBus } from '../events/event-bus'
import { AppError, isAppError } from '../shared/app-error'
import { newId } from '../shared/ids'
import { ActiveJob, type Outcome } from './active-job'
import { JobLogHub, type LogWatcher } from './job-log-hub'
import { JobStore, type ClaimedJob, type ListFilter, type Runner } from './job-store'
import type { EnqueueInput, JobHandler, JobRunnerOptions } from './job-types'
import { assertNoSecretKeys } from './payload-guard'
import { runnerGone, runnerStarted, runnerStopped } from './runner-liveness'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
export const STOPPED_MESSAGE = 'glinrdock stopped'
const INTERRUPTED: JobError = {
  code: 'interrupted',
  message: 'glinrdock stopped while this job was running; it did not finish',
}

const FINISHED = new Set<JobStatus>(FINISHED_JOB_STATUSES)
export const isFinished = (status: JobStatus): boolean => FINISHED.has(status)

export interface LogWatch {
  kept: JobLogLine[]
  finished: boolean
  stop(): void
}

/**
 * The one job runner: jobs are rows in SQLite (the row is the truth), claimed one at a time in a
 * transaction by a pool of `concurrency` workers, at most one running per lock key, FIFO within a key.
 * Progress and log lines are events; a job whose process died is settled as `interrupted`.
 */
export class JobRunner {
  private readonly store: JobStore
  private readonly logs: JobLogHub
  private readonly handlers = new Map<string, JobHandler>()
  private readonly active = new Map<string, ActiveJob>()
  private readonly runner: Runner = { id: newId(), pid: process.pid, host: hostname() }
  private readonly concurrency: number
  private readonly retentionMs: number
  private readonly maxFinished: number
  private readonly heartbeatMs: number
  private readonly staleMs: number
  private readonly now: () => Date
  private started = false
  private disposed = false
  private pumpScheduled = false
  private heartbeatTimer?: NodeJS.Timeout
  private retentionTimer?: NodeJS.Timeout

  constructor(
    db: Database,
    private readonly events: EventBus,
    private readonly log: Logger,
    options: JobRunnerOptions = {},
  ) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 2))
    this.retentionMs = (options.retentionDays ?? 30) * DAY_MS
    this.maxFinished = Math.max(0, Math.floor(options.maxFinished ?? 1000))
    this.heartbeatMs = options.heartbeatMs ?? 5_000
    this.staleMs = options.staleMs ?? 30_000
    this.now = options.now ?? (() => new Date())
    this.store = new JobStore(db)
    this.logs = new JobLogHub(this.store, log)
    runnerStarted(this.runner.id)
  }

  /** Handlers are code: one per kind, registered before or after `start()`. */
  register<P>(kind: string, handler: JobHandler<P>): void {
    if (!JobKind.safeParse(kind).success) throw new Error(`Not a job kind: ${kind}`)
    if (this.handlers.has(kind)) throw new Error(`Job kind ${kind} already has a handler`)
    this.handlers.set(kind, handler as JobHandler)
    this.schedulePump()
  }

  /** Settles what dead processes left running, applies retention, and starts claiming. */
  start(): void {
    if (this.started || this.disposed) return
    this.started = true
    this.sweep()
    this.prune()
    this.heartbeatTimer = setInterval(() => this.beat(), this.heartbeatMs)
    this.heartbeatTimer.unref()
    this.retentionTimer = setInterval(() => this.prune(), HOUR_MS)
    this.retentionTimer.unref()
    this.schedulePump()
  }

  /** Queues a job. Its payload is stored in plain JSON: never a secret (see EnqueueInput.payload). */
  enqueue(input: EnqueueInput): JobSummary {
    if (this.disposed) throw new Error('The job runner is stopped')
    if (!this.handlers.has(input.kind)) throw new Error(`No handler is registered for job kind ${input.kind}`)
    const payload = input.payload ?? {}
    assertNoSecretKeys(payload)
    let summary: JobSummary
    try {
      summary = this.store.insert({
        id: newId(),
        kind: input.kind,
        hostId: input.hostId ?? null,
        serviceId: input.serviceId ?? null,
        lockKey: input.lockKey ?? null,
        payload: JSON.stringify(payload),
        createdAt: this.iso(),
      })
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new AppError('not_found', `Host ${input.hostId} does not exist`, 'hostId')
      }
      throw err
    }
    this.changed(summary)
    this.schedulePump()
    return summary
  }

  get(id: string): JobSummary {
    const job = this.active.get(id)?.summary ?? this.store.get(id)
    if (!job) throw new AppError('not_found', `Job ${id} does not exist`)
    return job
  }

  /** Newest first. */
  list(filter: Partial<ListFilter> = {}): JobSummary[] {
    return this.store
      .list({ limit: 100, ...filter })
      .map((job) => (job.status === 'running' ? (this.active.get(job.id)?.summary ?? job) : job))
  }

  /**
   * A queued job is canceled at once. A running one has its signal aborted and ends `canceled` when its handler
   * returns or throws; the summary returned is still `running` until then. A finished job is a conflict.
   */
  cancel(id: string): JobSummary {
    const job = this.store.get(id)
    if (!job) throw new AppError('not_found', `Job ${id} does not exist`)
    if (isFinished(job.status)) throw new AppError('conflict', `Job ${id} already ${job.status}`)
    if (job.status === 'queued') {
      const canceled = this.store.cancelQueued(id, this.iso())
      if (canceled) {
        this.changed(canceled)
        this.logs.end(id)
        return canceled
      }
    }
    // Recorded in the row too, so the process running it sees the request when that is not this one.
    this.store.requestCancel(id)
    this.active.get(id)?.abort('Canceled')
    return this.get(id)
  }

  /** Kept lines, then live ones, for one job; `finished` when no more will come. */
  watchLog(id: string, watcher: LogWatcher): LogWatch {
    const job = this.store.get(id)
    if (!job) throw new AppError('not_found', `Job ${id} does not exist`)
    const watch = this.logs.watch(id, watcher)
    if (!isFinished(job.status)) return { ...watch, finished: false }
    watch.stop()
    return { kept: watch.kept, finished: true, stop: () => undefined }
  }

  /** Stops claiming; running jobs are settled `canceled` ("glinrdock stopped") now and their signals fire. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    clearInterval(this.heartbeatTimer)
    clearInterval(this.retentionTimer)
    for (const active of [...this.active.values()]) {
      active.abort(STOPPED_MESSAGE)
      // Settled now: the database closes right after dispose, before any handler can return.
      this.settle(active, active.outcome({ ok: true }))
    }
    this.logs.dispose()
    runnerStopped(this.runner.id)
  }

  private schedulePump(): void {
    if (this.pumpScheduled || !this.started || this.disposed) return
    this.pumpScheduled = true
    setImmediate(() => {
      this.pumpScheduled = false
      this.pump()
    })
  }

  private pump(): void {
    while (!this.disposed && this.active.size < this.concurrency) {
      let claimed: ClaimedJob | null
      try {
        claimed = this.store.claim([...this.handlers.keys()], this.runner, this.iso())
      } catch (err) {
        this.log.error({ err }, 'claiming a job failed')
        return
      }
      if (!claimed) return
      this.run(claimed)
    }
  }

  private run(claimed: ClaimedJob): void {
    const { summary } = claimed
    const active = new ActiveJob(summary, (latest) => {
      try {
        this.store.setProgress(latest.id, this.runner.id, latest.progress, latest.message)
      } catch (err) {
        this.log.error({ err, jobId: latest.id }, 'job progress could not be stored')
      }
      this.changed(latest)
    })
    this.active.set(summary.id, active)
    this.logs.begin(summary.id)
    this.changed(summary)
    void this.execute(active, this.handlers.get(summary.kind)!, claimed)
  }

  private async execute(active: ActiveJob, handler: JobHandler, claimed: ClaimedJob): Promise<void> {
    const { id, kind } = active.summary
    let outcome: Outcome
    try {
      await handler(
        { ...active.summary, lockKey: claimed.lockKey, payload: claimed.payload },
        {
          signal: active.signal,
          payload: claimed.payload,
          progress: (percent, message) => active.progress(percent, message),
          log: (line) => {
            if (!active.settled) this.logs.write(id, line, this.iso())
          },
        },
      )
      outcome = active.outcome({ ok: true })
    } catch (err) {
      // After a cancel, whatever the handler throws (an AbortError, most likely) ends the job canceled.
      if (!active.canceled && !isAppError(err)) this.log.error({ err, jobId: id, kind }, 'job failed unexpectedly')
      const error: JobError = isAppError(err)
        ? { code: err.code, message: err.message }
        : { code: 'internal', message: 'Internal error' }
      outcome = active.outcome({ ok: false, error })
    }
    this.settle(active, outcome)
  }

  private settle(active: ActiveJob, outcome: Outcome): void {
    const { id } = active.summary
    if (this.active.get(id) !== active) return
    this.active.delete(id)
    try {
      this.logs.flush(id)
      this.store.finish(id, this.runner.id, outcome, this.iso())
      // The stored row, also when another process settled it first (it judged this runner dead).
      const settled = this.store.get(id)
      if (settled) this.changed(settled)
    } catch (err) {
      this.log.error({ err, jobId: id }, 'settling a job failed')
    }
    this.logs.end(id)
    this.schedulePump()
  }

  /** Heartbeat of our running jobs, cancel requests from other processes, dead runners, and their queue. */
  private beat(): void {
    try {
      if (this.active.size > 0) this.store.heartbeat(this.runner.id, this.iso())
      for (const id of this.store.cancelRequested(this.runner.id)) {
        this.active.get(id)?.abort('Canceled')
      }
      this.sweep()
      this.logs.pollForeign((id) => {
        const job = this.store.get(id)
        return !job || isFinished(job.status)
      })
    } catch (err) {
      this.log.error({ err }, 'job heartbeat failed')
    }
    this.schedulePump()
  }

  /** Every running job whose runner is gone becomes `failed` with `interrupted`: none stays running forever. */
  private sweep(): void {
    const nowMs = this.now().getTime()
    for (const job of this.store.runningElsewhere(this.runner.id)) {
      if (!runnerGone(job, this.runner, nowMs, this.staleMs)) continue
      const settled = this.store.interrupt(job, INTERRUPTED, this.iso())
      if (!settled) continue
      this.log.warn({ jobId: job.id, kind: settled.kind }, 'job was running when its process stopped: interrupted')
      this.changed(settled)
      this.logs.end(job.id)
    }
  }

  private prune(): void {
    try {
      const before = new Date(this.now().getTime() - this.retentionMs).toISOString()
      const deleted = this.store.prune(before, this.maxFinished)
      if (deleted > 0) this.log.info({ deleted }, 'old jobs deleted')
    } catch (err) {
      this.log.error({ err }, 'job retention failed')
    }
  }

  private changed(job: JobSummary): void {
    this.events.emit('jobs.changed', { job })
  }

  private iso(): string {
    return this.now().toISOString()
  }
}
