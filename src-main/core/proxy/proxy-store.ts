import type { Database } from 'better-sqlite3'

/** What the last apply left on a host's proxy (table `proxy_state`). */
export interface ProxyStateRecord {
  hostId: string
  containerId: string | null
  configHash: string | null
  lastReloadAt: string | null
  lastError: { message: string; at: string } | null
}

interface Row {
  host_id: string
  container_id: string | null
  config_hash: string | null
  last_reload_at: string | null
  last_error: string | null
  last_error_at: string | null
}

export class ProxyStore {
  constructor(private readonly db: Database) {}

  get(hostId: string): ProxyStateRecord | undefined {
    const row = this.db.prepare('SELECT * FROM proxy_state WHERE host_id = ?').get(hostId) as Row | undefined
    if (!row) return undefined
    return {
      hostId: row.host_id,
      containerId: row.container_id,
      configHash: row.config_hash,
      lastReloadAt: row.last_reload_at,
      lastError: row.last_error ? { message: row.last_error, at: row.last_error_at ?? '' } : null,
    }
  }

  /** A confirmed configuration: the error of an earlier attempt is cleared. */
  recordApplied(hostId: string, containerId: string, configHash: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO proxy_state (host_id, container_id, config_hash, last_reload_at, last_error, last_error_at)
         VALUES (?, ?, ?, ?, NULL, NULL)
         ON CONFLICT (host_id) DO UPDATE SET container_id = excluded.container_id, config_hash = excluded.config_hash,
           last_reload_at = excluded.last_reload_at, last_error = NULL, last_error_at = NULL`,
      )
      .run(hostId, containerId, configHash, at)
  }

  /** A container (re)created with its seed configuration: what it serves is known, no reload happened. */
  recordContainer(hostId: string, containerId: string, configHash: string): void {
    this.db
      .prepare(
        `INSERT INTO proxy_state (host_id, container_id, config_hash) VALUES (?, ?, ?)
         ON CONFLICT (host_id) DO UPDATE SET container_id = excluded.container_id, config_hash = excluded.config_hash`,
      )
      .run(hostId, containerId, configHash)
  }

  recordError(hostId: string, message: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO proxy_state (host_id, last_error, last_error_at) VALUES (?, ?, ?)
         ON CONFLICT (host_id) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
      )
      .run(hostId, message, at)
  }
}
