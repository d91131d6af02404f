import type { Database } from 'better-sqlite3'
import type { Role, TokenSummary } from '../../../src-preload/contract/schemas'

interface TokenRow {
  id: string
  name: string
  role: Role
  secret_hash: Buffer
  created_at: string
  last_used_at: string | null
}

export interface StoredToken extends TokenSummary {
  secretHash: Buffer
}

const toStored = (row: TokenRow): StoredToken => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  secretHash: row.secret_hash,
})

export class TokenStore {
  constructor(private readonly db: Database) {}

  insert(token: StoredToken): void {
    this.db
      .prepare(
        'INSERT INTO api_tokens (id, name, role, secret_hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(token.id, token.name, token.role, token.secretHash, token.createdAt, token.lastUsedAt)
  }

  get(id: string): StoredToken | undefined {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as TokenRow | undefined
    return row && toStored(row)
  }

  list(): StoredToken[] {
    const rows = this.db.prepare('SELECT * FROM api_tokens ORDER BY created_at, id').all() as TokenRow[]
    return rows.map(toStored)
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM api_tokens').get() as { n: number }).n
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0
  }

  /** Runs `fn` in one transaction: if it throws, nothing it (or the caller inside it) wrote stays. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  touch(id: string, at: string): void {
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id)
  }
}
