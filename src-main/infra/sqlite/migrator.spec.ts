import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { bundledMigrations } from './bundled-migrations'
import { migrate, migrationsFromFiles } from './migrator'
import { openDatabase } from './open-database'

const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'gd-migrate-')), 'test.db')
const fileHash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('migrations', () => {
  it('applies every bundled migration to a fresh database and records each one', () => {
    const db = openDatabase(tempDb(), { migrations: bundledMigrations })
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()
    expect(rows).toEqual(bundledMigrations.map((m) => ({ version: m.version, name: m.name })))
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['api_tokens', 'secret_keys', 'settings']))
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    db.close()
  })

  it('opens with WAL, foreign keys, full sync and a busy timeout', () => {
    const db = openDatabase(tempDb(), { migrations: bundledMigrations })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0)
    db.close()
  })

  it('is a no-op the second time', () => {
    const path = tempDb()
    openDatabase(path, { migrations: bundledMigrations }).close()
    const db = new BetterSqlite3(path)
    expect(migrate(db, bundledMigrations)).toEqual({ from: bundledMigrations.length, to: bundledMigrations.length })
    db.close()
  })

  it('refuses a database written by a newer glinrdock and leaves its file byte for byte unchanged', () => {
    const path = tempDb()
    const future = [
      ...bundledMigrations,
      { version: bundledMigrations.length + 1, name: 'future', sql: 'CREATE TABLE future (x)' },
    ]
    const newer = openDatabase(path, { migrations: future })
    newer.pragma('wal_checkpoint(TRUNCATE)')
    newer.close()
    const before = fileHash(path)
    expect(() => openDatabase(path, { migrations: bundledMigrations })).toThrowError(
      expect.objectContaining({
        code: 'schema_too_new',
        message: expect.stringContaining(
          `version ${future.length}, but this glinrdock only knows up to version ${bundledMigrations.length}`,
        ),
      }),
    )
    expect(fileHash(path)).toBe(before)
  })

  it('rolls back a failing migration entirely, leaving earlier ones applied', () => {
    const path = tempDb()
    const broken = [
      ...bundledMigrations,
      {
        version: bundledMigrations.length + 1,
        name: 'broken',
        sql: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);',
      },
    ]
    expect(() => openDatabase(path, { migrations: broken })).toThrow(/no such table: nowhere/)
    const db = new BetterSqlite3(path)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined()
    expect(db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(bundledMigrations.length)
    db.close()
  })

  it('rejects migration files that are misnamed or leave a gap', () => {
    expect(() => migrationsFromFiles({ 'm/1_x.sql': '' })).toThrow(/NNNN_description/)
    expect(() => migrationsFromFiles({ 'm/0001_a.sql': '', 'm/0003_c.sql': '' })).toThrow(/without gaps/)
    expect(migrationsFromFiles({ 'm/0002_b.sql': 'B', 'm/0001_a.sql': 'A' }).map((m) => m.sql)).toEqual(['A', 'B'])
  })

  it('creates the database file readable by its owner only', () => {
    const path = tempDb()
    openDatabase(path, { migrations: bundledMigrations }).close()
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })
})
