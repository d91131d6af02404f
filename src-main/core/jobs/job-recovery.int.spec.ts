import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { bundledMigrations } from '../../infra/sqlite/bundled-migrations'
import { openDatabase, type Database } from '../../infra/sqlite/open-database'
import { eventually, gate, harness, sleep } from './job-test-support'

const KIND = 'test.work'
const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'gd-jobs-')), 'glinrdock.db')
const open = (path: string): Database => openDatabase(path, { migrations: bundledMigrations })

/** A pid that certainly belongs to no process any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  return child.pid
}

interface Row {
  id: string
  status: string
  createdAt?: string
  finishedAt?: string | null
  runnerId?: string | null
  runnerPid?: number | null
  runnerHost?: string | null
  heartbeatAt?: string | null
}

/** Writes a job row the way a crashed process leaves it. */
function insertJob(db: Database, row: Row): void {
  db.prepare(
    `INSERT INTO jobs (id, kind, payload, status, created_at, started_at, finished_at, attempts,
       runner_id, runner_pid, runner_host, heartbeat_at)
     VALUES (@id, 'test.work', '{}', @status, @createdAt, @startedAt, @finishedAt, @attempts,
       @runnerId, @runnerPid, @runnerHost, @heartbeatAt)`,
  ).run({
    createdAt: '2026-03-01T00:00:00.000Z',
    finishedAt: null,
    runnerId: null,
    runnerPid: null,
    runnerHost: null,
    heartbeatAt: null,
    ...row,
    startedAt: row.status === 'queued' ? null : (row.createdAt ?? '2026-03-01T00:00:00.000Z'),
    attempts: row.status === 'queued' ? 0 : 1,
  })
}

const statusOf = (db: Database, id: string) =>
  db.prepare('SELECT status, error_code AS code, error_message AS message FROM jobs WHERE id = ?').get(id)

describe('jobs left running by a process that is gone', () => {
  it('become failed/interrupted when the next runner starts; a live neighbour’s jobs are left alone', () => {
    const path = tempDb()
    const seed = open(path)
    const now = new Date().toISOString()
    insertJob(seed, { id: 'crashed00001', status: 'running' })
    insertJob(seed, {
      id: 'killed000001',
      status: 'running',
      runnerId: 'deadrunner01',
      runnerPid: deadPid(),
      runnerHost: hostname(),
      heartbeatAt: now,
    })
    insertJob(seed, {
      id: 'stale0000001',
      status: 'running',
      runnerId: 'farrunner001',
      runnerPid: 4242,
      runnerHost: 'another-machine',
      heartbeatAt: '2026-01-01T00:00:00.000Z',
    })
    // The desktop app and `serve` may share the store: a live process's job is not ours to settle.
    insertJob(seed, {
      id: 'neighbour001',
      status: 'running',
      runnerId: 'liverunner01',
      runnerPid: process.ppid,
      runnerHost: hostname(),
      heartbeatAt: now,
    })
    insertJob(seed, { id: 'waiting00001', status: 'queued' })
    seed.close()

    const { runner, db, changes } = harness({ db: open(path) })
    runner.start()
    const interrupted = {
      status: 'failed',
      code: 'interrupted',
      message: 'glinrdock stopped while this job was running; it did not finish',
    }
    expect(statusOf(db, 'crashed00001')).toEqual(interrupted)
    expect(statusOf(db, 'killed000001')).toEqual(interrupted)
    expect(statusOf(db, 'stale0000001')).toEqual(interrupted)
    expect(statusOf(db, 'neighbour001')).toEqual({ status: 'running', code: null, message: null })
    expect(changes.map((job) => job.id).sort()).toEqual(['crashed00001', 'killed000001', 'stale0000001'])
    expect(runner.get('killed000001').finishedAt).not.toBeNull()
    runner.dispose()
    db.close()
  })

  it('settles a neighbour’s job once its heartbeat goes stale, and runs what was queued', async () => {
    const path = tempDb()
    const seed = open(path)
    let clock = Date.now()
    insertJob(seed, {
      id: 'neighbour001',
      status: 'running',
      runnerId: 'liverunner01',
      runnerPid: process.ppid,
      runnerHost: hostname(),
      heartbeatAt: new Date(clock).toISOString(),
    })
    insertJob(seed, { id: 'waiting00001', status: 'queued' })
    seed.close()
    const { runner, db, until } = harness({
      db: open(path),
      heartbeatMs: 10,
      staleMs: 1000,
      now: () => new Date(clock),
    })
    runner.register(KIND, async () => undefined)
    runner.start()
    expect(await until('waiting00001', 'succeeded')).toMatchObject({ attempts: 1 })
    await sleep(50)
    expect(runner.get('neighbour001').status).toBe('running')
    clock += 1001
    expect(await until('neighbour001', 'failed')).toMatchObject({ error: { code: 'interrupted' } })
    runner.dispose()
    db.close()
  })
})

describe('two runners on one store', () => {
  it('never take the same job, nor two jobs of one lock key at once', async () => {
    const path = tempDb()
    const a = harness({ db: open(path), concurrency: 2 })
    const b = harness({ db: open(path), concurrency: 2, heartbeatMs: 20 })
    const runs = new Map<string, number>()
    const runningByKey = new Map<string, number>()
    let maxForOneKey = 0
    const byRunner = { a: 0, b: 0 }
    const handler = (name: 'a' | 'b') => async (job: { id: string; lockKey: string | null }) => {
      byRunner[name]++
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1)
      const key = job.lockKey!
      runningByKey.set(key, (runningByKey.get(key) ?? 0) + 1)
      maxForOneKey = Math.max(maxForOneKey, runningByKey.get(key)!)
      await sleep(5)
      runningByKey.set(key, runningByKey.get(key)! - 1)
    }
    a.runner.register(KIND, handler('a'))
    b.runner.register(KIND, handler('b'))
    a.runner.start()
    b.runner.start()
    const ids = Array.from(
      { length: 40 },
      (_, i) => a.runner.enqueue({ kind: KIND, lockKey: `service:${i % 3}`, payload: {} }).id,
    )
    await eventually(
      () => (a.db.prepare("SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'").pluck().get() as number) === 40,
    )
    expect(ids.every((id) => runs.get(id) === 1)).toBe(true)
    expect(maxForOneKey).toBe(1)
    expect(byRunner.a).toBeGreaterThan(0)
    expect(byRunner.b).toBeGreaterThan(0)
    a.runner.dispose()
    b.runner.dispose()
  })

  it('cancels a job running in the other runner through the store', async () => {
    const path = tempDb()
    const a = harness({ db: open(path), heartbeatMs: 10 })
    const b = harness({ db: open(path) })
    const started = gate()
    a.runner.register(KIND, (_job, { signal }) => {
      started.open()
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)))
    })
    a.runner.start()
    const job = a.runner.enqueue({ kind: KIND, payload: {} })
    await started.promise
    expect(b.runner.cancel(job.id).status).toBe('running')
    expect(await a.until(job.id, 'canceled')).toMatchObject({ status: 'canceled' })
    a.runner.dispose()
    b.runner.dispose()
  })
})

describe('retention', () => {
  const day = (d: number) => new Date(Date.parse('2026-03-31T12:00:00.000Z') - d * 86_400_000).toISOString()

  function seeded(path: string): void {
    const db = open(path)
    insertJob(db, { id: 'old000000001', status: 'succeeded', createdAt: day(40), finishedAt: day(40) })
    insertJob(db, { id: 'old000000002', status: 'failed', createdAt: day(31), finishedAt: day(31) })
    insertJob(db, { id: 'oldqueued001', status: 'queued', createdAt: day(40) })
    for (let i = 1; i <= 5; i++) {
      insertJob(db, { id: `recent00000${i}`, status: 'canceled', createdAt: day(10 - i), finishedAt: day(10 - i) })
    }
    const line = db.prepare("INSERT INTO job_log_lines (job_id, seq, at, text) VALUES (?, 1, 'x', 'hello')")
    for (const id of ['old000000001', 'recent000001', 'recent000005']) line.run(id)
    db.close()
  }

  it('deletes finished jobs older than retentionDays, and beyond the newest maxFinished, with their log lines', () => {
    const path = tempDb()
    seeded(path)
    const { runner, db } = harness({
      db: open(path),
      retentionDays: 30,
      maxFinished: 3,
      now: () => new Date('2026-03-31T12:00:00.000Z'),
    })
    runner.start()
    expect(db.prepare('SELECT id FROM jobs ORDER BY id').pluck().all()).toEqual([
      'oldqueued001',
      'recent000003',
      'recent000004',
      'recent000005',
    ])
    expect(db.prepare('SELECT job_id FROM job_log_lines').pluck().all()).toEqual(['recent000005'])
    runner.dispose()
  })

  it('applies retention again every hour', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const path = tempDb()
      seeded(path)
      let clock = Date.parse('2026-03-31T12:00:00.000Z')
      const { runner, db } = harness({ db: open(path), now: () => new Date(clock) })
      runner.start()
      const count = () => db.prepare("SELECT COUNT(*) FROM jobs WHERE status != 'queued'").pluck().get()
      expect(count()).toBe(5)
      clock += 23.5 * 86_400_000 // recent000001..3 (finished 9..7 days before) are now older than 30 days
      vi.advanceTimersByTime(3_600_000)
      expect(count()).toBe(2)
      runner.dispose()
    } finally {
      vi.useRealTimers()
    }
  })
})
