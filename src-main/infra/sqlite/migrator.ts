import type { Database } from 'better-sqlite3'
import { AppError } from '../../core/shared/app-error'

export interface Migration {
  version: number
  name: string
  sql: string
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/

/** Turns `{ '…/0001_initial.sql': sql }` into ordered migrations, rejecting gaps and bad names. */
export function migrationsFromFiles(files: Record<string, string>): Migration[] {
  const migrations = Object.entries(files).map(([path, sql]) => {
    const base = path.split('/').pop() ?? path
    const match = FILE_NAME.exec(base)
    if (!match) throw new Error(`Migration file name ${base} does not match NNNN_description.sql`)
    return { version: Number(match[1]), name: match[2]!, sql }
  })
  migrations.sort((a, b) => a.version - b.version)
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations must be numbered 1..n without gaps; found ${m.version} at ${i + 1}`)
  })
  return migrations
}

function appliedVersion(db: Database): number {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()
  if (!table) return 0
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
    version: number | null
  }
  return row.version ?? 0
}

/**
 * Applies pending migrations in order, one transaction each. A database whose schema is newer than
 * this build knows is refused before anything is written, so an older app never damages it.
 */
export function migrate(db: Database, migrations: Migration[]): { from: number; to: number } {
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version
  const from = appliedVersion(db)
  if (from > known) {
    throw new AppError(
      'schema_too_new',
      `The database schema is version ${from}, but this glinrdock only knows up to version ${known}. ` +
        'It was written by a newer glinrdock; upgrade glinrdock to open it. The database was not changed.',
    )
  }
  if (from < known) {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`)
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  for (const migration of migrations) {
    if (migration.version <= from) continue
    db.transaction(() => {
      db.exec(migration.sql)
      record.run(migration.version, migration.name, new Date().toISOString())
    })()
  }
  return { from, to: Math.max(from, known) }
}
