import type { Database } from 'better-sqlite3'

export interface WrappedDataKey {
  id: number
  backend: string
  wrapped: Buffer
}

/** Rows of `secret_keys`: the SecretBox's data keys, only ever stored wrapped. */
export class DataKeyStore {
  constructor(private readonly db: Database) {}

  current(): WrappedDataKey | undefined {
    return this.db.prepare('SELECT id, backend, wrapped FROM secret_keys ORDER BY id DESC LIMIT 1').get() as
      WrappedDataKey | undefined
  }

  get(id: number): WrappedDataKey | undefined {
    return this.db.prepare('SELECT id, backend, wrapped FROM secret_keys WHERE id = ?').get(id) as
      WrappedDataKey | undefined
  }

  insert(backend: string, wrapped: Buffer): number {
    const result = this.db
      .prepare('INSERT INTO secret_keys (backend, wrapped, created_at) VALUES (?, ?, ?)')
      .run(backend, wrapped, new Date().toISOString())
    return Number(result.lastInsertRowid)
  }

  replace(id: number, backend: string, wrapped: Buffer): void {
    this.db.prepare('UPDATE secret_keys SET backend = ?, wrapped = ? WHERE id = ?').run(backend, wrapped, id)
  }
}
