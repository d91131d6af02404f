import type { JobLogLine } from '../../../src-preload/contract/jobs'
import type { Logger } from '../../infra/logging/logger'
import type { JobStore } from './job-store'

export const MAX_LOG_LINES = 500
/** Longer lines are cut: a job's log is for reading, and one runaway line must not make the 500 lines huge. */
export const MAX_LINE_CHARS = 4096
/**
 * Lines reach the store in batches: with synchronous=FULL every transaction is an fsync, and a build printing
 * thousands of lines a second must not wait on the disk. A crash loses at most this much of the log.
 */
const FLUSH_MS = 200

export interface LogWatcher {
  onLines(lines: JobLogLine[]): void
  onEnd(): void
}

interface Tracked {
  watcher: LogWatcher
  lastSeq: number
}

interface Pending {
  nextSeq: number
  lines: JobLogLine[]
  timer?: NodeJS.Timeout
}

/** The log lines of the jobs this process runs (buffered, then stored) and everyone watching a job's log. */
export class JobLogHub {
  private readonly pending = new Map<string, Pending>()
  private readonly watchers = new Map<string, Set<Tracked>>()

  constructor(
    private readonly store: JobStore,
    private readonly log: Logger,
  ) {}

  /** The job started running here: its lines will come through `write`. */
  begin(id: string): void {
    this.pending.set(id, { nextSeq: this.store.nextLogSeq(id), lines: [] })
  }

  write(id: string, text: string, at: string): void {
    const pending = this.pending.get(id)
    if (!pending) return
    const pieces = String(text).split(/\r?\n/)
    if (pieces.length > 1 && pieces[pieces.length - 1] === '') pieces.pop()
    const lines = pieces.map((piece) => ({
      seq: pending.nextSeq++,
      at,
      text: piece.length > MAX_LINE_CHARS ? `${piece.slice(0, MAX_LINE_CHARS)}…` : piece,
    }))
    pending.lines.push(...lines)
    if (pending.lines.length >= MAX_LOG_LINES) this.flush(id)
    else pending.timer ??= setTimeout(() => this.flush(id), FLUSH_MS)
    this.notify(id, lines)
  }

  flush(id: string): void {
    const pending = this.pending.get(id)
    if (!pending) return
    clearTimeout(pending.timer)
    pending.timer = undefined
    if (pending.lines.length === 0) return
    const lines = pending.lines
    pending.lines = []
    try {
      this.store.appendLog(id, lines, MAX_LOG_LINES)
    } catch (err) {
      this.log.error({ err, jobId: id }, 'job log lines could not be stored')
    }
  }

  /** The job finished (here or, seen from the store, elsewhere): store what is left and end every watcher. */
  end(id: string): void {
    this.flush(id)
    this.pending.delete(id)
    const watching = this.watchers.get(id)
    this.watchers.delete(id)
    for (const tracked of watching ?? []) this.guard(id, () => tracked.watcher.onEnd())
  }

  /** The lines kept so far (stored and not yet stored), then every new one through the watcher. */
  watch(id: string, watcher: LogWatcher): { kept: JobLogLine[]; stop: () => void } {
    const kept = [...this.store.logLines(id), ...(this.pending.get(id)?.lines ?? [])].slice(-MAX_LOG_LINES)
    const tracked: Tracked = { watcher, lastSeq: kept[kept.length - 1]?.seq ?? 0 }
    let set = this.watchers.get(id)
    if (!set) this.watchers.set(id, (set = new Set()))
    set.add(tracked)
    return {
      kept,
      stop: () => {
        set.delete(tracked)
        if (set.size === 0 && this.watchers.get(id) === set) this.watchers.delete(id)
      },
    }
  }

  /**
   * Watched jobs that another process on the same store runs: their lines and their end are read from the
   * store, on the runner's heartbeat.
   */
  pollForeign(isFinished: (id: string) => boolean): void {
    for (const [id, set] of [...this.watchers]) {
      if (this.pending.has(id)) continue
      const finished = isFinished(id)
      const stored = this.store.logLines(id)
      for (const tracked of set) {
        const fresh = stored.filter((line) => line.seq > tracked.lastSeq)
        if (fresh.length === 0) continue
        tracked.lastSeq = fresh[fresh.length - 1]!.seq
        this.guard(id, () => tracked.watcher.onLines(fresh))
      }
      if (finished) this.end(id)
    }
  }

  /** Stores every buffered line; the watchers' transports close their streams themselves. */
  dispose(): void {
    for (const id of [...this.pending.keys()]) this.flush(id)
    this.pending.clear()
    this.watchers.clear()
  }

  private notify(id: string, lines: JobLogLine[]): void {
    for (const tracked of [...(this.watchers.get(id) ?? [])]) {
      tracked.lastSeq = lines[lines.length - 1]!.seq
      this.guard(id, () => tracked.watcher.onLines(lines))
    }
  }

  /** A watcher that throws (its client just went) must not fail the job that is logging. */
  private guard(id: string, run: () => void): void {
    try {
      run()
    } catch (err) {
      this.log.error({ err, jobId: id }, 'job log watcher failed')
    }
  }
}
