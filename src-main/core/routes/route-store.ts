import type { Database } from 'better-sqlite3'
import { AppError } from '../shared/app-error'
import type { RouteRecord, RouteSource } from '../shared/proxy-ports'

/** A stored route with the names a view shows (read in the same statement, so they never disagree). */
export interface RouteRow extends RouteRecord {
  projectName: string
  serviceName: string
}

interface Row {
  id: string
  host_id: string
  project_id: string
  project_name: string
  service_id: string
  service_name: string
  domain: string
  path: string
  port: number
  tls: number
  created_at: string
}

const SELECT = `SELECT r.id, r.host_id, s.project_id, p.name AS project_name, r.service_id, s.name AS service_name,
    r.domain, r.path, r.port, r.tls, r.created_at
  FROM routes r JOIN services s ON s.id = r.service_id JOIN projects p ON p.id = s.project_id`
// Byte order of the ASCII domain, then the path: the same on every read, so a render of the same routes is the
// same file (and the same hash) every time.
const ORDER = 'ORDER BY r.domain, r.path, r.id'

const toRow = (row: Row): RouteRow => ({
  id: row.id,
  hostId: row.host_id,
  projectId: row.project_id,
  projectName: row.project_name,
  serviceId: row.service_id,
  serviceName: row.service_name,
  domain: row.domain,
  path: row.path,
  port: row.port,
  tls: row.tls === 1,
  createdAt: row.created_at,
})

/** Strips the view's names: the proxy and the certs domains get exactly the port's record. */
const toRecord = ({ projectName: _p, serviceName: _s, ...record }: RouteRow): RouteRecord => record

const sqliteCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined

export class RouteStore implements RouteSource {
  constructor(private readonly db: Database) {}

  list(filter: { hostId?: string; serviceId?: string } = {}): RouteRow[] {
    const where: string[] = []
    const args: string[] = []
    if (filter.hostId !== undefined) {
      where.push('r.host_id = ?')
      args.push(filter.hostId)
    }
    if (filter.serviceId !== undefined) {
      where.push('r.service_id = ?')
      args.push(filter.serviceId)
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
    return (this.db.prepare(`${SELECT} ${clause} ${ORDER}`).all(...args) as Row[]).map(toRow)
  }

  get(id: string): RouteRow | undefined {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Row | undefined
    return row && toRow(row)
  }

  /** The route holding this domain and path on the host, if any. */
  find(hostId: string, domain: string, path: string): RouteRow | undefined {
    const row = this.db
      .prepare(`${SELECT} WHERE r.host_id = ? AND r.domain = ? AND r.path = ?`)
      .get(hostId, domain, path) as Row | undefined
    return row && toRow(row)
  }

  routesForHost(hostId: string): RouteRecord[] {
    return this.list({ hostId }).map(toRecord)
  }

  hostsForDomain(domain: string): string[] {
    return this.db
      .prepare('SELECT DISTINCT host_id FROM routes WHERE domain = ? ORDER BY host_id')
      .pluck()
      .all(domain) as string[]
  }

  /** Domains some route serves over HTTPS: the certificate scheduler orders one for each that has none. */
  tlsDomains(): string[] {
    return this.db.prepare('SELECT DISTINCT domain FROM routes WHERE tls = 1 ORDER BY domain').pluck().all() as string[]
  }

  /**
   * Writes the route. The unique index decides between two requests that both passed the service's check
   * (`conflict`); a service removed meanwhile fails its foreign key (`not_found`).
   */
  insert(record: RouteRecord): void {
    try {
      this.db
        .prepare(
          `INSERT INTO routes (id, host_id, service_id, domain, path, port, tls, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.id,
          record.hostId,
          record.serviceId,
          record.domain,
          record.path,
          record.port,
          record.tls ? 1 : 0,
          record.createdAt,
        )
    } catch (err) {
      const code = sqliteCode(err)
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw routeTaken(record.domain, record.path)
      }
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new AppError('not_found', `No service with id ${record.serviceId}`, 'serviceId')
      }
      throw err
    }
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM routes WHERE id = ?').run(id).changes > 0
  }
}

export const routeTaken = (domain: string, path: string): AppError =>
  new AppError('conflict', `A route for ${domain}${path} exists on this host`, 'domain')
