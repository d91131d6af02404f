import type { JobError, JobStatus, JobSummary } from '../../../src-preload/contract/jobs'

const PROGRESS_MS = 250
const MAX_MESSAGE_CHARS = 1000

export interface Outcome {
  status: JobStatus
  progress: number
  message: string | null
  error: JobError | null
}

const abortError = (message: string): Error => new DOMException(message, 'AbortError')

/**
 * A job this process is running: its live summary (ahead of the store by at most one throttle window), its
 * abort controller, and the progress throttle.
 */
export class ActiveJob {
  private readonly controller = new AbortController()
  /** Set once someone cancels it (or glinrdock stops): whatever the handler does next, it ends canceled. */
  private canceledWith: string | null = null
  private dirty = false
  private timer?: NodeJS.Timeout
  settled = false

  constructor(
    public summary: JobSummary,
    /** Writes and announces the summary; called at most once per PROGRESS_MS. */
    private readonly publish: (summary: JobSummary) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get canceled(): boolean {
    return this.canceledWith !== null
  }

  abort(message: string): void {
    if (this.canceledWith !== null || this.settled) return
    this.canceledWith = message
    this.controller.abort(abortError(message))
  }

  /** Leading edge at once, then at most one publish per PROGRESS_MS, ending with the latest value. */
  progress(percent: number, message?: string): void {
    if (this.settled || !Number.isFinite(percent)) return
    this.summary = {
      ...this.summary,
      progress: Math.min(100, Math.max(0, Math.round(percent))),
      message: message === undefined ? this.summary.message : String(message).slice(0, MAX_MESSAGE_CHARS),
    }
    this.dirty = true
    if (!this.timer) this.flushProgress()
  }

  /** What the job ends as, given how its handler ended; stops the throttle (the settle carries the progress). */
  outcome(result: { ok: true } | { ok: false; error: JobError }): Outcome {
    this.settled = true
    clearTimeout(this.timer)
    const { progress, message } = this.summary
    if (this.canceledWith !== null) return { status: 'canceled', progress, message: this.canceledWith, error: null }
    if (result.ok) return { status: 'succeeded', progress: 100, message, error: null }
    return { status: 'failed', progress, message, error: result.error }
  }

  private flushProgress(): void {
    if (!this.dirty || this.settled) return
    this.dirty = false
    this.publish(this.summary)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flushProgress()
    }, PROGRESS_MS)
  }
}
