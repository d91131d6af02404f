import type { Database } from 'better-sqlite3'
import type { BuildStatus, BuildSummary, BuildTrigger } from '../../../src-preload/contract/cicd'
import { ERROR_CODES, type ErrorCode } from '../../../src-preload/contract/errors'

interface BuildRow {
  id: string
  service_id: string
  project_id: string
  host_id: string
  job_id: string | null
  status: BuildStatus
  trigger: BuildTrigger
  ref: string
  commit_sha: string | null
  commit_message: string | null
  image_tag: string | null
  image_id: string | null
  duration_ms: number | null
  deploy_after: number
  error_code: string | null
  error_message: string | null
  log_path: string
  created_at: string
  started_at: string | null
  finished_at: string | null
}

/** A build as stored: the summary plus where its log file is. */
export interface BuildRecord extends BuildSummary {
  logPath: string
}

export interface NewBuild {
  id: string
  serviceId: string
  projectId: string
  hostId: string
  trigger: BuildTrigger
  ref: string
  commit: string | null
  deployAfter: boolean
  logPath: string
  createdAt: string
}

export interface BuildEnd {
  status: 'succeeded' | 'failed' | 'canceled'
  imageId?: string | null
  durationMs: number | null
  error?: { code: ErrorCode; message: string } | null
  finishedAt: string
}

const KNOWN_CODES = new Set<string>(ERROR_CODES)

const toRecord = (row: BuildRow): BuildRecord => ({
  id: row.id,
  serviceId: row.service_id,
  projectId: row.project_id,
  hostId: row.host_id,
  jobId: row.job_id,
  status: row.status,
  trigger: row.trigger,
  ref: row.ref,
  commit: row.commit_sha,
  commitMessage: row.commit_message,
  imageTag: row.image_tag,
  imageId: row.image_id,
  durationMs: row.duration_ms,
  deployAfter: row.deploy_after === 1,
  error:
    row.error_code !== null && row.error_message !== null
      ? {
          code: (KNOWN_CODES.has(row.error_code) ? row.error_code : 'internal') as ErrorCode,
          message: row.error_message,
        }
      : null,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  logPath: row.log_path,
})

/** The `builds` table (migration 0007). Status changes only move forward: a finished row is never rewritten. */
export class BuildStore {
  constructor(private readonly db: Database) {}

  insert(build: NewBuild): BuildRecord {
    this.db
      .prepare(
        `INSERT INTO builds (id, service_id, project_id, host_id, status, trigger, ref, commit_sha, deploy_after,
           log_path, created_at)
         VALUES (@id, @serviceId, @projectId, @hostId, 'queued', @trigger, @ref, @commit, @deployAfter, @logPath,
           @createdAt)`,
      )
      .run({ ...build, deployAfter: build.deployAfter ? 1 : 0 })
    return this.get(build.id)!
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM builds WHERE id = ?').run(id)
  }

  get(id: string): BuildRecord | undefined {
    const row = this.db.prepare('SELECT * FROM builds WHERE id = ?').get(id) as BuildRow | undefined
    return row && toRecord(row)
  }

  /** Newest first. */
  listByService(serviceId: string, limit: number): BuildRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM builds WHERE service_id = ? ORDER BY seq DESC LIMIT ?')
      .all(serviceId, limit) as BuildRow[]
    return rows.map(toRecord)
  }

  unfinished(): BuildRecord[] {
    const rows = this.db
      .prepare("SELECT * FROM builds WHERE status IN ('queued', 'running') ORDER BY seq")
      .all() as BuildRow[]
    return rows.map(toRecord)
  }

  setJob(id: string, jobId: string): void {
    this.db.prepare('UPDATE builds SET job_id = ? WHERE id = ?').run(jobId, id)
  }

  /** False when the build is no longer queued (canceled meanwhile). */
  markRunning(id: string, startedAt: string): boolean {
    return (
      this.db
        .prepare("UPDATE builds SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'")
        .run(startedAt, id).changes === 1
    )
  }

  setCommit(id: string, commit: string, message: string, imageTag: string): void {
    this.db
      .prepare('UPDATE builds SET commit_sha = ?, commit_message = ?, image_tag = ? WHERE id = ?')
      .run(commit, message, imageTag, id)
  }

  /** False when it had already finished (the first settlement wins). */
  finish(id: string, end: BuildEnd): boolean {
    return (
      this.db
        .prepare(
          `UPDATE builds SET status = @status, image_id = COALESCE(@imageId, image_id), duration_ms = @durationMs,
             error_code = @errorCode, error_message = @errorMessage, finished_at = @finishedAt
           WHERE id = @id AND status IN ('queued', 'running')`,
        )
        .run({
          id,
          status: end.status,
          imageId: end.imageId ?? null,
          durationMs: end.durationMs,
          errorCode: end.error?.code ?? null,
          errorMessage: end.error?.message ?? null,
          finishedAt: end.finishedAt,
        }).changes === 1
    )
  }
}
