import type { JobSummary } from '../../../src-preload/contract/jobs'

/** What a handler is given about its job. */
export interface Job<P = unknown> extends JobSummary {
  lockKey: string | null
  payload: P
}

export interface JobContext<P = unknown> {
  /** Fires when the job is canceled or glinrdock stops. Pass it to every call that takes one (fetch, dockerode). */
  signal: AbortSignal
  /** 0–100 (rounded, clamped). Written and sent at most every 250 ms; the last value is never lost. */
  progress(percent: number, message?: string): void
  /**
   * One or more lines (split at newlines) for the job's log; the last 500 are kept. Never log a secret: the log
   * is shown to every role that may read jobs and stays on disk for the retention window.
   */
  log(line: string): void
  payload: P
}

/**
 * Runs one job. Throw an AppError for a failure people should read (its code and message are kept on the job);
 * anything else is logged and shown as `internal`. Steps must be safe to run again: a job that was running when
 * glinrdock died is marked `interrupted`, and what the user does next is run it again.
 */
export type JobHandler<P = unknown> = (job: Job<P>, ctx: JobContext<P>) => Promise<unknown>

export interface EnqueueInput {
  /** A kind registered on the runner (`image.pull`). */
  kind: string
  hostId?: string | null
  serviceId?: string | null
  /** At most one job per key runs at a time (`service:<id>`); the others wait in order. */
  lockKey?: string | null
  /**
   * Plain JSON. It is stored as is and readable by anyone with the database file, so it never holds a secret:
   * pass a sealed reference (the row and field a SecretBox value lives in) and unseal it inside the handler.
   * Keys named like secrets (`password`, `token`, `privateKey`, …) are refused.
   */
  payload?: unknown
}

export interface JobRunnerOptions {
  /** Jobs run at once by this process. */
  concurrency?: number
  /** Finished jobs older than this are deleted with their logs. */
  retentionDays?: number
  /** At most this many finished jobs are kept (the newest). */
  maxFinished?: number
  now?: () => Date
  /** How often a running job's heartbeat is written and cancel requests from other processes are read. */
  heartbeatMs?: number
  /** A running job whose runner has not beaten for this long is settled as `interrupted`. */
  staleMs?: number
}
