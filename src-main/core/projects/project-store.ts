import type { Database } from 'better-sqlite3'
import type { ServiceSpec } from '../../../src-preload/contract/projects'

export interface ProjectRecord {
  id: string
  hostId: string
  name: string
  createdAt: string
}

/** The spec as stored: env entries without values (those are in `sealedEnv`). */
export type StoredSpec = Omit<ServiceSpec, 'env'> & { env: { key: string; secret: boolean }[] }

/** The image a successful deployment pinned (by id): the container is planned with it instead of `spec.image`. */
export interface ServiceRelease {
  deploymentId: string
  imageId: string
  imageTag: string
  commit: string | null
}

export interface ServiceRecord {
  id: string
  projectId: string
  name: string
  spec: StoredSpec
  /** SecretBox output of `{KEY: value}` for the context `services:<id>:env`. */
  sealedEnv: string
  specHash: string
  origin: 'created' | 'adopted'
  desiredState: 'running' | 'stopped'
  containerId: string | null
  appliedHash: string | null
  release: ServiceRelease | null
  createdAt: string
  updatedAt: string
}

/** What a finished deployment writes onto its service, in one statement. */
export interface AppliedRelease {
  release: ServiceRelease
  containerId: string
  specHash: string
  /** A rollback restores the snapshot's spec and env onto the service (sealed for `services:<id>:env`). */
  spec?: StoredSpec
  sealedEnv?: string
  updatedAt: string
}

interface ProjectRow {
  id: string
  host_id: string
  name: string
  created_at: string
}

interface ServiceRow {
  id: string
  project_id: string
  name: string
  spec: string
  sealed_env: string
  spec_hash: string
  origin: 'created' | 'adopted'
  desired_state: 'running' | 'stopped'
  container_id: string | null
  applied_hash: string | null
  release_deployment_id: string | null
  release_image_id: string | null
  release_image_tag: string | null
  release_commit: string | null
  created_at: string
  updated_at: string
}

const toProject = (row: ProjectRow): ProjectRecord => ({
  id: row.id,
  hostId: row.host_id,
  name: row.name,
  createdAt: row.created_at,
})

const toService = (row: ServiceRow): ServiceRecord => ({
  id: row.id,
  projectId: row.project_id,
  name: row.name,
  spec: JSON.parse(row.spec) as StoredSpec,
  sealedEnv: row.sealed_env,
  specHash: row.spec_hash,
  origin: row.origin,
  desiredState: row.desired_state,
  containerId: row.container_id,
  appliedHash: row.applied_hash,
  release:
    row.release_deployment_id && row.release_image_id
      ? {
          deploymentId: row.release_deployment_id,
          imageId: row.release_image_id,
          imageTag: row.release_image_tag ?? row.release_image_id,
          commit: row.release_commit,
        }
      : null,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export class ProjectStore {
  constructor(private readonly db: Database) {}

  projects(hostId?: string): ProjectRecord[] {
    const rows = hostId
      ? this.db.prepare('SELECT * FROM projects WHERE host_id = ? ORDER BY name').all(hostId)
      : this.db.prepare('SELECT * FROM projects ORDER BY name, host_id').all()
    return (rows as ProjectRow[]).map(toProject)
  }

  project(id: string): ProjectRecord | undefined {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined
    return row && toProject(row)
  }

  /** False when the host already has a project of that name (the UNIQUE constraint decides). */
  insertProject(record: ProjectRecord): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO projects (id, host_id, name, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (host_id, name) DO NOTHING`,
        )
        .run(record.id, record.hostId, record.name, record.createdAt).changes > 0
    )
  }

  deleteProject(id: string): boolean {
    return this.db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes > 0
  }

  services(projectId: string): ServiceRecord[] {
    return (
      this.db.prepare('SELECT * FROM services WHERE project_id = ? ORDER BY name').all(projectId) as ServiceRow[]
    ).map(toService)
  }

  /** Every service of every project on a host, for the status tracker. */
  servicesOnHost(hostId: string): ServiceRecord[] {
    return (
      this.db
        .prepare(
          `SELECT s.* FROM services s JOIN projects p ON p.id = s.project_id WHERE p.host_id = ? ORDER BY s.name`,
        )
        .all(hostId) as ServiceRow[]
    ).map(toService)
  }

  /** The services a container stands for on a host (adopted ones are known only by it): one indexed lookup. */
  serviceIdsByContainer(hostId: string, containerId: string): string[] {
    return this.db
      .prepare(
        `SELECT s.id FROM services s JOIN projects p ON p.id = s.project_id WHERE s.container_id = ? AND p.host_id = ?`,
      )
      .pluck()
      .all(containerId, hostId) as string[]
  }

  service(id: string): ServiceRecord | undefined {
    const row = this.db.prepare('SELECT * FROM services WHERE id = ?').get(id) as ServiceRow | undefined
    return row && toService(row)
  }

  countServices(projectId: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM services WHERE project_id = ?').get(projectId) as { n: number })
      .n
  }

  /** Inserts all or none: one transaction, and a duplicate name fails the whole batch (UNIQUE). */
  insertServices(records: ServiceRecord[]): void {
    const insert = this.db.prepare(
      `INSERT INTO services (id, project_id, name, spec, sealed_env, spec_hash, origin, desired_state, container_id,
         applied_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.db.transaction(() => {
      for (const r of records)
        insert.run(
          r.id,
          r.projectId,
          r.name,
          JSON.stringify(r.spec),
          r.sealedEnv,
          r.specHash,
          r.origin,
          r.desiredState,
          r.containerId,
          r.appliedHash,
          r.createdAt,
          r.updatedAt,
        )
    })()
  }

  /** `clearRelease`: the user chose another image, so the one a deployment pinned no longer counts. */
  updateSpec(
    id: string,
    spec: StoredSpec,
    sealedEnv: string,
    specHash: string,
    updatedAt: string,
    clearRelease = false,
  ): boolean {
    const release = clearRelease
      ? ', release_deployment_id = NULL, release_image_id = NULL, release_image_tag = NULL, release_commit = NULL'
      : ''
    return (
      this.db
        .prepare(`UPDATE services SET spec = ?, sealed_env = ?, spec_hash = ?, updated_at = ?${release} WHERE id = ?`)
        .run(JSON.stringify(spec), sealedEnv, specHash, updatedAt, id).changes > 0
    )
  }

  /** A deployment's outcome on its service: the release, the container it made run, and (rollback) the spec. */
  applyRelease(id: string, applied: AppliedRelease): boolean {
    const { release } = applied
    const withSpec = applied.spec !== undefined && applied.sealedEnv !== undefined
    return (
      this.db
        .prepare(
          `UPDATE services SET release_deployment_id = ?, release_image_id = ?, release_image_tag = ?,
             release_commit = ?, container_id = ?, applied_hash = ?, spec_hash = ?, desired_state = 'running'
             ${withSpec ? ', spec = ?, sealed_env = ?, updated_at = ?' : ''} WHERE id = ?`,
        )
        .run(
          release.deploymentId,
          release.imageId,
          release.imageTag,
          release.commit,
          applied.containerId,
          applied.specHash,
          applied.specHash,
          ...(withSpec ? [JSON.stringify(applied.spec), applied.sealedEnv, applied.updatedAt] : []),
          id,
        ).changes > 0
    )
  }

  /** What glinrdock made run: the container and the hash it carries. */
  recordApplied(id: string, containerId: string, appliedHash: string): void {
    this.db
      .prepare(`UPDATE services SET container_id = ?, applied_hash = ?, desired_state = 'running' WHERE id = ?`)
      .run(containerId, appliedHash, id)
  }

  setDesiredState(id: string, state: 'running' | 'stopped'): void {
    this.db.prepare('UPDATE services SET desired_state = ? WHERE id = ?').run(state, id)
  }

  deleteService(id: string): boolean {
    return this.db.prepare('DELETE FROM services WHERE id = ?').run(id).changes > 0
  }
}
