import BetterSqlite3, { type Database } from 'better-sqlite3'
import { closeSync, openSync } from 'node:fs'
import { migrate, type Migration } from './migrator'

export type { Database }

export interface OpenDatabaseOptions {
  migrations: Migration[]
  /** Path to a better-sqlite3 binary built for another ABI (Electron's), when not Node's own. */
  nativeBinding?: string
}

/**
 * Opens the store with the pragmas the whole app relies on: WAL for concurrent readers,
 * synchronous=FULL so an acknowledged write survives power loss and kill -9, foreign keys on,
 * and a busy timeout instead of immediate SQLITE_BUSY.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions): Database {
  // Create the file owner-only before SQLite does; its -wal and -shm files inherit these permissions.
  if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600))
  const db = new BetterSqlite3(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db, options.migrations)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}
