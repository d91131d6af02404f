import BetterSqlite3 from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SERVE_ENTRY, startServe, tempDataDir } from '../../e2e/fixtures/serve-process'
import { TokenName } from '../../src-preload/contract/schemas'

/** Runs serve to completion (for runs that must not start listening). */
const serveOnce = (dataDir: string, args: string[] = []) =>
  spawnSync(process.execPath, [SERVE_ENTRY, '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, HOME: dataDir, GLINRDOCK_LOG_LEVEL: 'warn' },
  })
const tokenRows = (dataDir: string): number => {
  const db = new BetterSqlite3(join(dataDir, 'glinrdock.db'), { readonly: true })
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM api_tokens').get() as { n: number }).n
  } finally {
    db.close()
  }
}

const post = (url: string, token: string, body: unknown) =>
  fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('headless server lifecycle', () => {
  it('keeps tokens across a restart and does not mint a second admin token', async () => {
    const first = await startServe()
    expect(first.output()).toContain(`admin token written to ${join(first.dataDir, 'admin-token')}`)
    const created = (await (await post(first.url, first.adminToken, { name: 'survivor', role: 'viewer' })).json()) as {
      id: string
      token: string
    }
    expect(await first.stop()).toBe(0)

    const second = await startServe({ dataDir: first.dataDir })
    try {
      expect(second.output()).not.toContain('admin token written')
      expect(second.adminToken).toBe(first.adminToken)
      const res = await fetch(`${second.url}/v1/system`, { headers: { Authorization: `Bearer ${created.token}` } })
      expect(res.status).toBe(200)
      const list = (await (
        await fetch(`${second.url}/v1/tokens`, { headers: { Authorization: `Bearer ${first.adminToken}` } })
      ).json()) as { id: string }[]
      expect(list.map((t) => t.id)).toContain(created.id)
    } finally {
      expect(await second.stop()).toBe(0)
    }
  })

  it('refuses to start on a database from a newer glinrdock, and leaves it alone', async () => {
    const dataDir = tempDataDir()
    const first = await startServe({ dataDir })
    await first.stop()
    const db = new BetterSqlite3(join(dataDir, 'glinrdock.db'))
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_the_future', 'x')").run()
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const before = readFileSync(join(dataDir, 'glinrdock.db'))
    await expect(startServe({ dataDir })).rejects.toThrow(/schema_too_new: .*version 999/)
    expect(readFileSync(join(dataDir, 'glinrdock.db')).equals(before)).toBe(true)
  })

  it('never leaves a corrupt database when killed with SIGKILL in the middle of writes', async () => {
    const dataDir = tempDataDir()
    const acknowledged: string[] = []
    for (let round = 0; round < 6; round++) {
      const serve = await startServe({ dataDir })
      let writing = true
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; writing; i++) {
          try {
            const res = await post(serve.url, serve.adminToken, { name: `r${round}-w${w}-${i}`, role: 'viewer' })
            if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id)
          } catch {
            return // the server died under us: exactly what this test is about
          }
        }
      })
      await new Promise((r) => setTimeout(r, 150 + round * 70))
      await serve.kill9()
      writing = false
      await Promise.all(writers)

      const db = new BetterSqlite3(join(dataDir, 'glinrdock.db'))
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const ids = new Set(db.prepare('SELECT id FROM api_tokens').pluck().all() as string[])
      db.close()
      // synchronous=FULL: every write the client saw acknowledged is on disk.
      for (const id of acknowledged) expect(ids.has(id), `acknowledged token ${id} lost`).toBe(true)
    }
    expect(acknowledged.length).toBeGreaterThan(20)
  })

  it('keeps no token when admin-token cannot be written, so the next start can hand one over', async () => {
    const dataDir = tempDataDir()
    // A directory where the file should go: the atomic rename over it fails.
    mkdirSync(join(dataDir, 'admin-token'))
    const failed = serveOnce(dataDir)
    expect(failed.status).not.toBe(0)
    expect(failed.stderr).toMatch(/glinrdock serve failed/)
    expect(tokenRows(dataDir)).toBe(0)
    expect(readdirSync(dataDir).filter((f) => f.includes('.tmp'))).toEqual([])

    rmSync(join(dataDir, 'admin-token'), { recursive: true })
    const serve = await startServe({ dataDir })
    try {
      expect(statSync(join(dataDir, 'admin-token')).isFile()).toBe(true)
      expect(
        (await fetch(`${serve.url}/v1/tokens`, { headers: { Authorization: `Bearer ${serve.adminToken}` } })).status,
      ).toBe(200)
    } finally {
      await serve.stop()
    }
  })

  it('names the first admin token within the API’s own token-name grammar', async () => {
    const serve = await startServe()
    try {
      const list = (await (
        await fetch(`${serve.url}/v1/tokens`, { headers: { Authorization: `Bearer ${serve.adminToken}` } })
      ).json()) as { name: string }[]
      expect(list).toHaveLength(1)
      expect(TokenName.safeParse(list[0]!.name).success).toBe(true)
    } finally {
      await serve.stop()
    }
  })

  it('recovers a lost admin token with --reset-admin-token: printed once, never written to disk', async () => {
    const first = await startServe()
    await first.stop()
    rmSync(join(first.dataDir, 'admin-token'))
    const reset = serveOnce(first.dataDir, ['--reset-admin-token'])
    expect(reset.status, reset.stderr).toBe(0)
    const token = /^(gdt_\S+)$/m.exec(reset.stdout)?.[1]
    expect(token).toBeDefined()
    expect(existsSync(join(first.dataDir, 'admin-token'))).toBe(false)
    expect(tokenRows(first.dataDir)).toBe(2)

    const second = await startServe({ dataDir: first.dataDir, adminToken: token })
    try {
      const created = await post(second.url, token!, { name: 'made-after-reset', role: 'viewer' })
      expect(created.status).toBe(201)
    } finally {
      await second.stop()
    }
  })
})
