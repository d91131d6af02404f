import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createLogger, type Logger } from '../../infra/logging/logger'
import { DataKeyStore } from '../../infra/secrets/data-key-store'
import { KeyFileWrapper } from '../../infra/secrets/key-file-wrapper'
import type { KeyWrapper } from '../../infra/secrets/key-wrapper'
import { SecretBox } from '../../infra/secrets/secret-box'
import { bundledMigrations } from '../../infra/sqlite/bundled-migrations'
import { openDatabase, type Database } from '../../infra/sqlite/open-database'
import type { BuildRequest, BuildStarter } from '../shared/cicd-ports'
import { newId } from '../shared/ids'

/** Helpers for the webhooks, polling, settings and notifications specs only; production code never imports this. */

export const tempDir = (prefix = 'gd-hooks-'): string => mkdtempSync(join(tmpdir(), prefix))

/** A migrated store in a temp dir, or in memory (`memory`: no fsync per write, for specs that write hundreds). */
export function testDb(where: 'file' | 'memory' = 'file'): Database {
  const path = where === 'memory' ? ':memory:' : join(tempDir(), 'glinrdock.db')
  return openDatabase(path, { migrations: bundledMigrations })
}

/** A real SecretBox over a key file (headless mode's wrapper), or over another wrapper with consent as given. */
export function testSecretBox(
  db: Database,
  wrapper: KeyWrapper = new KeyFileWrapper(join(tempDir(), 'secret.key')),
  consent = false,
): SecretBox {
  return new SecretBox(wrapper, new DataKeyStore(db), () => consent)
}

/** A logger whose lines the spec can read (to check that no body or secret is logged). */
export function capturingLogger(): { logger: Logger; lines: () => string[] } {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  return { logger: createLogger({ level: 'debug', destination }), lines: () => lines }
}

/** A named fake for the builds domain: records every request and answers ids (or throws when told to). */
export class RecordingBuildStarter implements BuildStarter {
  readonly requests: BuildRequest[] = []
  refuse: Error | null = null

  startBuild(request: BuildRequest): { buildId: string; jobId: string } {
    if (this.refuse) throw this.refuse
    this.requests.push(request)
    return { buildId: newId(), jobId: newId() }
  }
}

/** Stores a host, a project and a git service the way the stores read them back; answers the service id. */
export function seedGitService(
  db: Database,
  git: { url: string; ref: string; poll?: boolean; pollIntervalSeconds?: number },
  options: { autoDeploy?: boolean; name?: string } = {},
): { serviceId: string; projectId: string } {
  const at = new Date().toISOString()
  let hostId = (db.prepare("SELECT id FROM hosts WHERE name = 'seed'").pluck().get() as string | undefined) ?? null
  if (!hostId) {
    hostId = newId()
    db.prepare(
      "INSERT INTO hosts (id, name, kind, socket_path, created_at) VALUES (?, 'seed', 'local', '/nowhere.sock', ?)",
    ).run(hostId, at)
  }
  const projectId = newId()
  db.prepare('INSERT INTO projects (id, host_id, name, created_at) VALUES (?, ?, ?, ?)').run(
    projectId,
    hostId,
    `p${projectId}`,
    at,
  )
  const serviceId = newId()
  const spec = {
    name: options.name ?? 'web',
    image: null,
    git: { context: '.', dockerfile: 'Dockerfile', ...git },
    command: null,
    entrypoint: null,
    env: [],
    ports: [],
    volumes: [],
    restart: { policy: 'no' },
    healthcheck: null,
    resources: {},
    user: null,
    labels: {},
    dependsOn: [],
    autoDeploy: options.autoDeploy ?? false,
  }
  db.prepare(
    `INSERT INTO services (id, project_id, name, spec, sealed_env, spec_hash, origin, desired_state, created_at,
       updated_at) VALUES (?, ?, ?, ?, '', 'x', 'created', 'stopped', ?, ?)`,
  ).run(serviceId, projectId, spec.name, JSON.stringify(spec), at, at)
  return { serviceId, projectId }
}

/** Edits a seeded service's git source in place (as an update would). */
export function editGitSource(db: Database, serviceId: string, git: Record<string, unknown>): void {
  const row = db.prepare('SELECT spec FROM services WHERE id = ?').pluck().get(serviceId) as string
  const spec = JSON.parse(row) as { git: Record<string, unknown> }
  spec.git = { ...spec.git, ...git }
  db.prepare('UPDATE services SET spec = ? WHERE id = ?').run(JSON.stringify(spec), serviceId)
}
