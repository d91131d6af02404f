import type { Database } from 'better-sqlite3'
import type {
  DeploymentStatus,
  DeploymentStrategy,
  DeploymentTrigger,
  HealthEvidence,
} from '../../../src-preload/contract/cicd'
import type { ErrorCode } from '../../../src-preload/contract/errors'
import type { StoredSpec } from '../projects/project-store'

export interface DeploymentRecord {
  id: string
  serviceId: string
  projectId: string
  hostId: string
  jobId: string | null
  status: DeploymentStatus
  trigger: DeploymentTrigger
  strategy: DeploymentStrategy | null
  imageTag: string
  imageId: string | null
  buildId: string | null
  commit: string | null
  rollbackOf: string | null
  containerId: string | null
  /** The stored spec it ran (env keys without values), set once the job took its snapshot. */
  spec: StoredSpec | null
  /** SecretBox output of the env values, context `deployments:<id>:env`; '' for no env. */
  sealedEnv: string | null
  health: HealthEvidence | null
  error: { code: ErrorCode; message: string } | null
  durationMs: number | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

interface DeploymentRow {
  id: string
  service_id: string
  project_id: string
  host_id: string
  job_id: string | null
  status: DeploymentStatus
  trigger: DeploymentTrigger
  strategy: DeploymentStrategy | null
  image_tag: string
  image_id: string | null
  build_id: string | null
  git_commit: string | null
  rollback_of: string | null
  container_id: string | null
  spec: string | null
  sealed_env: string | null
  health: string | null
  error_code: ErrorCode | null
  error_message: string | null
  duration_ms: number | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

const toRecord = (row: DeploymentRow): DeploymentRecord => ({
  id: row.id,
  serviceId: row.service_id,
  projectId: row.project_id,
  hostId: row.host_id,
  jobId: row.job_id,
  status: row.status,
  trigger: row.trigger,
  strategy: row.strategy,
  imageTag: row.image_tag,
  imageId: row.image_id,
  buildId: row.build_id,
  commit: row.git_commit,
  rollbackOf: row.rollback_of,
  containerId: row.container_id,
  spec: row.spec === null ? null : (JSON.parse(row.spec) as StoredSpec),
  sealedEnv: row.sealed_env,
  health: row.health === null ? null : (JSON.parse(row.health) as HealthEvidence),
  error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
  durationMs: row.duration_ms,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
})

export type NewDeployment = Pick<
  DeploymentRecord,
  | 'id'
  | 'serviceId'
  | 'projectId'
  | 'hostId'
  | 'trigger'
  | 'imageTag'
  | 'imageId'
  | 'buildId'
  | 'commit'
  | 'rollbackOf'
  | 'createdAt'
>

/** An image a service's recent successful deployment ran: kept by every prune in glinrdock. */
export interface ProtectedImage {
  imageId: string
  serviceId: string
  /** `<project>/<service>`, for the images view. */
  label: string
}

export class DeploymentStore {
  constructor(private readonly db: Database) {}

  insert(record: NewDeployment): void {
    this.db
      .prepare(
        `INSERT INTO deployments (id, service_id, project_id, host_id, status, trigger, image_tag, image_id, build_id,
           git_commit, rollback_of, created_at) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.serviceId,
        record.projectId,
        record.hostId,
        record.trigger,
        record.imageTag,
        record.imageId,
        record.buildId,
        record.commit,
        record.rollbackOf,
        record.createdAt,
      )
  }

  setJob(id: string, jobId: string): void {
    this.db.prepare('UPDATE deployments SET job_id = ? WHERE id = ?').run(jobId, id)
  }

  /** Removes a row whose job could not be queued (nothing ran, nothing to keep). */
  delete(id: string): void {
    this.db.prepare('DELETE FROM deployments WHERE id = ?').run(id)
  }

  get(id: string): DeploymentRecord | undefined {
    const row = this.db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as DeploymentRow | undefined
    return row && toRecord(row)
  }

  /** Newest first (rowid breaks ties between rows created in the same millisecond). */
  ofService(serviceId: string, limit: number): DeploymentRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM deployments WHERE service_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
        .all(serviceId, limit) as DeploymentRow[]
    ).map(toRecord)
  }

  /** A service's successful deployments, newest first. */
  succeeded(serviceId: string): DeploymentRecord[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM deployments WHERE service_id = ? AND status = 'succeeded'
           ORDER BY finished_at DESC, rowid DESC`,
        )
        .all(serviceId) as DeploymentRow[]
    ).map(toRecord)
  }

  started(id: string, at: string): void {
    this.db.prepare(`UPDATE deployments SET status = 'running', started_at = ? WHERE id = ?`).run(at, id)
  }

  /** What the job learnt before the swap: the exact image, the snapshot, the strategy. */
  prepared(
    id: string,
    fields: { imageId: string; spec: StoredSpec; sealedEnv: string; strategy: DeploymentStrategy },
  ): void {
    this.db
      .prepare('UPDATE deployments SET image_id = ?, spec = ?, sealed_env = ?, strategy = ? WHERE id = ?')
      .run(fields.imageId, JSON.stringify(fields.spec), fields.sealedEnv, fields.strategy, id)
  }

  finish(
    id: string,
    outcome: {
      status: 'succeeded' | 'failed' | 'canceled'
      containerId?: string | null
      health?: HealthEvidence | null
      error?: { code: ErrorCode; message: string } | null
      durationMs: number
      at: string
    },
  ): void {
    this.db
      .prepare(
        `UPDATE deployments SET status = ?, container_id = coalesce(?, container_id), health = coalesce(?, health),
           error_code = ?, error_message = ?, duration_ms = ?, finished_at = ? WHERE id = ?`,
      )
      .run(
        outcome.status,
        outcome.containerId ?? null,
        outcome.health ? JSON.stringify(outcome.health) : null,
        outcome.error?.code ?? null,
        outcome.error?.message ?? null,
        outcome.durationMs,
        outcome.at,
        id,
      )
  }

  /**
   * Deployments still queued or running whose job already finished: glinrdock stopped while they ran (the job is
   * `interrupted`) or the job was canceled before it started. Settled so the list does not show them running.
   */
  settleOrphans(at: string): string[] {
    const ids = this.db
      .prepare(
        `SELECT d.id FROM deployments d JOIN jobs j ON j.id = d.job_id
         WHERE d.status IN ('queued', 'running') AND j.status NOT IN ('queued', 'running')`,
      )
      .pluck()
      .all() as string[]
    const settle = this.db.prepare(
      `UPDATE deployments SET status = CASE WHEN (SELECT status FROM jobs WHERE id = job_id) = 'canceled'
         THEN 'canceled' ELSE 'failed' END, error_code = coalesce(error_code, 'interrupted'),
         error_message = coalesce(error_message, 'glinrdock stopped while this deployment ran'), finished_at = ?
       WHERE id = ?`,
    )
    for (const id of ids) settle.run(at, id)
    return ids
  }

  /**
   * Per service on a host, the image ids of its last `keep` successful deployments; one query with a window, so
   * an images view or a prune costs one read whatever the number of services.
   */
  protectedImages(hostId: string, keep: number): ProtectedImage[] {
    return this.db
      .prepare(
        `SELECT r.image_id AS imageId, r.service_id AS serviceId, p.name || '/' || s.name AS label
           FROM (SELECT image_id, service_id, ROW_NUMBER() OVER (
                   PARTITION BY service_id ORDER BY finished_at DESC, rowid DESC) AS n
                 FROM deployments WHERE host_id = ? AND status = 'succeeded' AND image_id IS NOT NULL) r
           JOIN services s ON s.id = r.service_id JOIN projects p ON p.id = s.project_id
           WHERE r.n <= ?`,
      )
      .all(hostId, keep) as ProtectedImage[]
  }
}
