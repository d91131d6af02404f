import type { Database } from 'better-sqlite3'

export interface RegistryRecord {
  id: string
  /** Normalized (see `normalizeRegistryServer`), unique. */
  server: string
  username: string
  /** SecretBox output for the context `registries:<id>:password`; never leaves the main process. */
  sealedPassword: string
  createdAt: string
}

interface RegistryRow {
  id: string
  server: string
  username: string
  sealed_password: string
  created_at: string
}

const toRecord = (row: RegistryRow): RegistryRecord => ({
  id: row.id,
  server: row.server,
  username: row.username,
  sealedPassword: row.sealed_password,
  createdAt: row.created_at,
})

export class RegistryStore {
  constructor(private readonly db: Database) {}

  list(): RegistryRecord[] {
    return (this.db.prepare('SELECT * FROM registries ORDER BY server').all() as RegistryRow[]).map(toRecord)
  }

  byServer(server: string): RegistryRecord | undefined {
    const row = this.db.prepare('SELECT * FROM registries WHERE server = ?').get(server) as RegistryRow | undefined
    return row && toRecord(row)
  }

  /** False when the server already has a login (the UNIQUE constraint decides, so two racing creates cannot both win). */
  insert(record: RegistryRecord): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO registries (id, server, username, sealed_password, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (server) DO NOTHING`,
      )
      .run(record.id, record.server, record.username, record.sealedPassword, record.createdAt)
    return result.changes > 0
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM registries WHERE id = ?').run(id).changes > 0
  }
}
