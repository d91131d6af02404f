import type { Database, Statement } from 'better-sqlite3'
import { ERROR_CODES, type ErrorCode } from '../../../src-preload/contract/errors'
import type { JobError, JobLogLine, JobStatus, JobSummary } from '../../../src-preload/contract/jobs'

interface JobRow {
  seq: number
  id: string
  kind: string
  host_id: string | null
  service_id: string | null
  lock_key: string | null
  payload: string
  status: JobStatus
  progress: number
  message: string | null
  attempts: number
  error_code: string | null
  error_message: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

/** What a runner needs of a job it claimed, beyond the summary. */
export interface ClaimedJob {
  summary: JobSummary
  lockKey: string | null
  payload: unknown
}

export interface NewJob {
  id: string
  kind: string
  hostId: string | null
  serviceId: string | null
  lockKey: string | null
  payload: string
  createdAt: string
}

export interface ListFilter {
  kind?: string
  status?: JobStatus
  serviceId?: string
  hostId?: string
  limit: number
}

export interface Runner {
  id: string
  pid: number
  host: string
}

/** A running job held by another runner, as the store last heard of it. */
export interface ForeignRunning {
  id: string
  runnerId: string | null
  runnerPid: number | null
  runnerHost: string | null
  heartbeatAt: string | null
}

const KNOWN_CODES = new Set<string>(ERROR_CODES)
const FINISHED = "('succeeded', 'failed', 'canceled')"

function toSummary(row: JobRow): JobSummary {
  const error: JobError | null =
    row.error_code === null
      ? null
      : {
          // A code from a newer glinrdock that this one does not know still reads as an error.
          code: KNOWN_CODES.has(row.error_code) ? (row.error_code as ErrorCode) : 'internal',
          message: row.error_message ?? '',
        }
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    message: row.message,
    error,
    hostId: row.host_id,
    serviceId: row.service_id,
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  }
}

/** The queries behind JobRunner. Every state change is conditional on the state it expects. */
export class JobStore {
  private readonly byId: Statement<[string], JobRow>
  private readonly pick: Statement<[string], { id: string }>
  private readonly appendLine: Statement<[string, number, string, string]>
  private readonly pruneLines: Statement<[string, number]>

  constructor(private readonly db: Database) {
    this.byId = db.prepare('SELECT * FROM jobs WHERE id = ?')
    // The oldest queued job of a kind this runner handles whose lock key is free and that no older job of the
    // same key waits before (FIFO per key, even when that older job's kind is handled by another process).
    this.pick = db.prepare(`
      SELECT j.id FROM jobs AS j
      WHERE j.status = 'queued'
        AND j.kind IN (SELECT value FROM json_each(?))
        AND (j.lock_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM jobs AS o WHERE o.lock_key = j.lock_key
            AND (o.status = 'running' OR (o.status = 'queued' AND o.seq < j.seq))))
      ORDER BY j.seq LIMIT 1`)
    this.appendLine = db.prepare('INSERT INTO job_log_lines (job_id, seq, at, text) VALUES (?, ?, ?, ?)')
    this.pruneLines = db.prepare('DELETE FROM job_log_lines WHERE job_id = ? AND seq <= ?')
  }

  insert(job: NewJob): JobSummary {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, host_id, service_id, lock_key, payload, status, created_at)
         VALUES (@id, @kind, @hostId, @serviceId, @lockKey, @payload, 'queued', @createdAt)`,
      )
      .run(job)
    return this.get(job.id)!
  }

  get(id: string): JobSummary | null {
    const row = this.byId.get(id)
    return row ? toSummary(row) : null
  }

  list(filter: ListFilter): JobSummary[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs
         WHERE (@kind IS NULL OR kind = @kind) AND (@status IS NULL OR status = @status)
           AND (@serviceId IS NULL OR service_id = @serviceId) AND (@hostId IS NULL OR host_id = @hostId)
         ORDER BY seq DESC LIMIT @limit`,
      )
      .all({
        kind: filter.kind ?? null,
        status: filter.status ?? null,
        serviceId: filter.serviceId ?? null,
        hostId: filter.hostId ?? null,
        limit: filter.limit,
      }) as JobRow[]
    return rows.map(toSummary)
  }

  /**
   * Takes the next job in one IMMEDIATE transaction: the write lock is held from the choice to the update, so
   * two workers (or two processes on one store) never take the same job, nor two jobs of one lock key.
   */
  claim(kinds: string[], runner: Runner, now: string): ClaimedJob | null {
    if (kinds.length === 0) return null
    const take = this.db.transaction((): JobRow | null => {
      const next = this.pick.get(JSON.stringify(kinds))
      if (!next) return null
      this.db
        .prepare(
          `UPDATE jobs SET status = 'running', started_at = @now, attempts = attempts + 1, runner_id = @runnerId,
             runner_pid = @pid, runner_host = @host, heartbeat_at = @now
           WHERE id = @id AND status = 'queued'`,
        )
        .run({ id: next.id, now, runnerId: runner.id, pid: runner.pid, host: runner.host })
      return this.byId.get(next.id) ?? null
    })
    const row = take.immediate()
    return row ? { summary: toSummary(row), lockKey: row.lock_key, payload: JSON.parse(row.payload) as unknown } : null
  }

  /** Progress of a job this runner holds. */
  setProgress(id: string, runnerId: string, progress: number, message: string | null): void {
    this.db
      .prepare(`UPDATE jobs SET progress = ?, message = ? WHERE id = ? AND status = 'running' AND runner_id = ?`)
      .run(progress, message, id, runnerId)
  }

  /** Settles a job this runner holds; false when someone else already settled it (it was found dead). */
  finish(
    id: string,
    runnerId: string,
    outcome: { status: JobStatus; progress: number; message: string | null; error: JobError | null },
    now: string,
  ): boolean {
    const result = this.db
      .prepare(
        `UPDATE jobs SET status = @status, progress = @progress, message = @message, error_code = @code,
           error_message = @errorMessage, finished_at = @now
         WHERE id = @id AND status = 'running' AND runner_id = @runnerId`,
      )
      .run({
        id,
        runnerId,
        now,
        status: outcome.status,
        progress: outcome.progress,
        message: outcome.message,
        code: outcome.error?.code ?? null,
        errorMessage: outcome.error?.message ?? null,
      })
    return result.changes === 1
  }

  /** A queued job canceled before it started; null when it was no longer queued. */
  cancelQueued(id: string, now: string): JobSummary | null {
    const result = this.db
      .prepare(
        `UPDATE jobs SET status = 'canceled', message = 'Canceled', finished_at = ? WHERE id = ? AND status = 'queued'`,
      )
      .run(now, id)
    return result.changes === 1 ? this.get(id) : null
  }

  requestCancel(id: string): void {
    this.db.prepare(`UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND status = 'running'`).run(id)
  }

  /** Own running jobs someone asked (possibly from another process) to cancel. */
  cancelRequested(runnerId: string): string[] {
    return this.db
      .prepare(`SELECT id FROM jobs WHERE status = 'running' AND runner_id = ? AND cancel_requested = 1`)
      .pluck()
      .all(runnerId) as string[]
  }

  heartbeat(runnerId: string, now: string): void {
    this.db.prepare(`UPDATE jobs SET heartbeat_at = ? WHERE status = 'running' AND runner_id = ?`).run(now, runnerId)
  }

  runningElsewhere(runnerId: string): ForeignRunning[] {
    return this.db
      .prepare(
        `SELECT id, runner_id AS runnerId, runner_pid AS runnerPid, runner_host AS runnerHost, heartbeat_at AS heartbeatAt FROM jobs
         WHERE status = 'running' AND (runner_id IS NULL OR runner_id != ?)`,
      )
      .all(runnerId) as ForeignRunning[]
  }

  /** Settles a running job whose runner is gone; checks the heartbeat it judged by, so a live beat wins. */
  interrupt(job: ForeignRunning, error: JobError, now: string): JobSummary | null {
    const result = this.db
      .prepare(
        `UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, finished_at = ?
         WHERE id = ? AND status = 'running' AND heartbeat_at IS ?`,
      )
      .run(error.code, error.message, now, job.id, job.heartbeatAt)
    return result.changes === 1 ? this.get(job.id) : null
  }

  nextLogSeq(id: string): number {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM job_log_lines WHERE job_id = ?').get(id) as {
      seq: number | null
    }
    return (row.seq ?? 0) + 1
  }

  /** Appends lines and keeps only the newest `keep` of the job, in one transaction (one fsync per batch). */
  appendLog(id: string, lines: JobLogLine[], keep: number): void {
    if (lines.length === 0) return
    this.db.transaction(() => {
      for (const line of lines) this.appendLine.run(id, line.seq, line.at, line.text)
      this.pruneLines.run(id, lines[lines.length - 1]!.seq - keep)
    })()
  }

  logLines(id: string): JobLogLine[] {
    return this.db
      .prepare('SELECT seq, at, text FROM job_log_lines WHERE job_id = ? ORDER BY seq')
      .all(id) as JobLogLine[]
  }

  /** Deletes finished jobs (and, by cascade, their log lines) older than `before` or beyond the newest `keep`. */
  prune(before: string, keep: number): number {
    return this.db.transaction(() => {
      const old = this.db.prepare(`DELETE FROM jobs WHERE status IN ${FINISHED} AND finished_at < ?`).run(before)
      const extra = this.db
        .prepare(
          `DELETE FROM jobs WHERE seq IN (
             SELECT seq FROM jobs WHERE status IN ${FINISHED} ORDER BY finished_at DESC, seq DESC LIMIT -1 OFFSET ?)`,
        )
        .run(keep)
      return old.changes + extra.changes
    })()
  }
}
