import type { Database } from 'better-sqlite3'
import type { ProxyPreview, ProxyState } from '../../../src-preload/contract/routes'
import { AppError } from '../shared/app-error'
import { newId } from '../shared/ids'
import type { ProxyControl, RouteRecord, RouteSource } from '../shared/proxy-ports'

/** Helpers for the routes specs only; production code never imports this. */

/** Stores a host (local, never connected), a project on it and a service, the way the stores read them back. */
export function seedService(
  db: Database,
  options: { hostId?: string; project?: string; service?: string } = {},
): { hostId: string; projectId: string; serviceId: string } {
  const at = new Date().toISOString()
  const hostId = options.hostId ?? newId()
  if (!options.hostId) {
    db.prepare(
      "INSERT INTO hosts (id, name, kind, socket_path, labels, created_at) VALUES (?, ?, 'local', '/nowhere.sock', '{}', ?)",
    ).run(hostId, `h-${hostId}`, at)
  }
  const projectId = newId()
  db.prepare('INSERT INTO projects (id, host_id, name, created_at) VALUES (?, ?, ?, ?)').run(
    projectId,
    hostId,
    options.project ?? `p${projectId}`,
    at,
  )
  const serviceId = newId()
  const name = options.service ?? 'web'
  db.prepare(
    `INSERT INTO services (id, project_id, name, spec, sealed_env, spec_hash, origin, desired_state, created_at,
       updated_at) VALUES (?, ?, ?, ?, '', 'x', 'created', 'stopped', ?, ?)`,
  ).run(serviceId, projectId, name, JSON.stringify({ name, image: 'nginx:1' }), at, at)
  return { hostId, projectId, serviceId }
}

/**
 * A ProxyControl that keeps no nginx: it records each apply with the routes the source showed at that moment,
 * and refuses (as nginx would, with `proxy_rejected`) while `refuse` is set. For the store and validation logic
 * of the routes domain; the real proxy is exercised by the REST specs.
 */
export class RecordingProxy implements ProxyControl {
  readonly applied: { hostId: string; routes: RouteRecord[] }[] = []
  readonly previews: { hostId: string; change: { add?: RouteRecord; removeRouteId?: string } }[] = []
  refuse: AppError | null = null

  constructor(private readonly routes: RouteSource) {}

  async apply(hostId: string): Promise<ProxyState> {
    this.applied.push({ hostId, routes: this.routes.routesForHost(hostId) })
    if (this.refuse) throw this.refuse
    return this.state(hostId)
  }

  async preview(hostId: string, change: { add?: RouteRecord; removeRouteId?: string }): Promise<ProxyPreview> {
    this.previews.push({ hostId, change })
    return { config: '', hash: 'h', test: { ok: true, output: '' }, unchanged: false }
  }

  async state(hostId: string): Promise<ProxyState> {
    return {
      hostId,
      settings: { image: 'nginx:1.27-alpine', httpPort: 80, httpsPort: 443 },
      status: 'running',
      containerId: null,
      configHash: null,
      lastReloadAt: null,
      lastError: null,
      routes: this.routes.routesForHost(hostId).length,
    }
  }

  async pinUpstream(): Promise<{ release(): void }> {
    return { release: () => undefined }
  }

  hasRoutes(): boolean {
    return false
  }

  async putChallenge(): Promise<void> {}
  async removeChallenge(): Promise<void> {}
  async releaseNetwork(): Promise<void> {}
}
