import BetterSqlite3 from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../../e2e/fixtures/api-client'
import { startServe, tempDataDir, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { wsClient } from '../../../e2e/fixtures/ws-client'
import { bundledMigrations } from '../../infra/sqlite/bundled-migrations'
import { openDatabase } from '../../infra/sqlite/open-database'

/** A kind no domain registers, so seeded queued jobs stay queued (a registered kind would run them). */
const WAITING_KIND = 'gd-test.waiting'

/**
 * No job kind exists yet in production code, and none is added for tests: the jobs here are rows written into
 * the data dir's store before the server starts, exactly what a crash or an earlier run leaves behind.
 */
const HOST = 'host00000001'
const SERVICE = 'svc000000001'
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString()

interface Row {
  id: string
  kind: string
  status: string
  hostId?: string | null
  serviceId?: string | null
  lockKey?: string | null
  error?: [string, string]
  runner?: { id: string; pid: number; host: string; heartbeatAt: string }
}

function insertJob(db: BetterSqlite3.Database, row: Row, age: number): void {
  const finished = ['succeeded', 'failed', 'canceled'].includes(row.status)
  db.prepare(
    `INSERT INTO jobs (id, kind, host_id, service_id, lock_key, payload, status, progress, attempts, error_code,
       error_message, created_at, started_at, finished_at, runner_id, runner_pid, runner_host, heartbeat_at)
     VALUES (@id, @kind, @hostId, @serviceId, @lockKey, '{}', @status, @progress, @attempts, @code, @message,
       @createdAt, @startedAt, @finishedAt, @runnerId, @runnerPid, @runnerHost, @heartbeatAt)`,
  ).run({
    id: row.id,
    kind: row.kind,
    status: row.status,
    hostId: row.hostId ?? null,
    serviceId: row.serviceId ?? null,
    lockKey: row.lockKey ?? null,
    progress: row.status === 'succeeded' ? 100 : row.status === 'queued' ? 0 : 30,
    attempts: row.status === 'queued' ? 0 : 1,
    code: row.error?.[0] ?? null,
    message: row.error?.[1] ?? null,
    createdAt: minutesAgo(age),
    startedAt: row.status === 'queued' ? null : minutesAgo(age - 1),
    finishedAt: finished ? minutesAgo(age - 2) : null,
    runnerId: row.runner?.id ?? null,
    runnerPid: row.runner?.pid ?? null,
    runnerHost: row.runner?.host ?? null,
    heartbeatAt: row.runner?.heartbeatAt ?? null,
  })
}

const withStore = <T>(dataDir: string, run: (db: BetterSqlite3.Database) => T): T => {
  const db = new BetterSqlite3(join(dataDir, 'glinrdock.db'))
  try {
    return run(db)
  } finally {
    db.close()
  }
}

let serve: ServeProcess
let api: ReturnType<typeof apiClient>

beforeAll(async () => {
  const dataDir = tempDataDir()
  // Create the schema the way the server would, then leave the rows a previous run would have left.
  openDatabase(join(dataDir, 'glinrdock.db'), { migrations: bundledMigrations }).close()
  withStore(dataDir, (db) => {
    db.prepare(
      `INSERT INTO hosts (id, name, kind, socket_path, created_at)
       VALUES (?, 'gone-engine', 'local', '/nonexistent/docker.sock', ?)`,
    ).run(HOST, minutesAgo(100))
    insertJob(db, { id: 'pulled000001', kind: 'image.pull', status: 'succeeded', hostId: HOST }, 60)
    insertJob(
      db,
      {
        id: 'deployfail01',
        kind: 'service.deploy',
        status: 'failed',
        hostId: HOST,
        serviceId: SERVICE,
        error: ['docker_unreachable', 'The engine did not answer'],
      },
      50,
    )
    insertJob(db, { id: 'crashed00001', kind: 'image.pull', status: 'running', hostId: HOST }, 40)
    insertJob(db, { id: 'waiting00001', kind: WAITING_KIND, status: 'queued', serviceId: SERVICE }, 30)
    insertJob(db, { id: 'waiting00002', kind: WAITING_KIND, status: 'queued', serviceId: SERVICE }, 20)
    const line = db.prepare('INSERT INTO job_log_lines (job_id, seq, at, text) VALUES (?, ?, ?, ?)')
    line.run('pulled000001', 1, minutesAgo(59), 'Pulling from library/nginx')
    line.run('pulled000001', 2, minutesAgo(58), 'Status: Downloaded newer image')
  })
  serve = await startServe({ dataDir })
  api = apiClient(serve.url, serve.adminToken)
})

afterAll(async () => {
  await serve?.stop()
})

const ids = (jobs: { id: string }[]) => jobs.map((job) => job.id)

describe('jobs over REST', () => {
  it('settles a job left running by a dead process as failed/interrupted at start, and keeps queued ones', async () => {
    const res = await api.get('/v1/jobs/crashed00001')
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({
      id: 'crashed00001',
      kind: 'image.pull',
      status: 'failed',
      progress: 30,
      error: { code: 'interrupted', message: expect.stringContaining('did not finish') },
      hostId: HOST,
      attempts: 1,
    })
    expect(res.json.finishedAt).not.toBeNull()
    // No handler for their kind in this build: queued jobs wait, they are not failed.
    expect((await api.get('/v1/jobs/waiting00001')).json.status).toBe('queued')
  })

  it('lists newest first and filters by kind, status, service, host and limit', async () => {
    const all = await api.get('/v1/jobs')
    expect(all.status).toBe(200)
    expect(ids(all.json)).toEqual(['waiting00002', 'waiting00001', 'crashed00001', 'deployfail01', 'pulled000001'])
    expect(all.json[3]).toEqual({
      id: 'deployfail01',
      kind: 'service.deploy',
      status: 'failed',
      progress: 30,
      message: null,
      error: { code: 'docker_unreachable', message: 'The engine did not answer' },
      hostId: HOST,
      serviceId: SERVICE,
      attempts: 1,
      createdAt: expect.any(String),
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    })
    expect(ids((await api.get('/v1/jobs?kind=image.pull')).json)).toEqual(['crashed00001', 'pulled000001'])
    expect(ids((await api.get('/v1/jobs?status=failed')).json)).toEqual(['crashed00001', 'deployfail01'])
    expect(ids((await api.get(`/v1/jobs?serviceId=${SERVICE}&status=queued`)).json)).toEqual([
      'waiting00002',
      'waiting00001',
    ])
    expect(ids((await api.get(`/v1/jobs?hostId=${HOST}&limit=2`)).json)).toEqual(['crashed00001', 'deployfail01'])
  })

  it('answers 400 for a malformed id or filter, and 404 for an unknown job', async () => {
    for (const path of [
      '/v1/jobs/NOT-AN-ID',
      '/v1/jobs?limit=0x10',
      '/v1/jobs?limit=',
      '/v1/jobs?limit=501',
      '/v1/jobs?status=paused',
      '/v1/jobs?kind=Image%20Pull',
      '/v1/jobs?hostId=..%2F..',
    ]) {
      const res = await api.get(path)
      expect(res.status, path).toBe(400)
      expect(res.json.error.code, path).toBe('validation')
    }
    expect((await api.post('/v1/jobs/bad!/cancel')).status).toBe(400)
    const unknown = await api.get('/v1/jobs/zzzzzzzzzzzz')
    expect(unknown.status).toBe(404)
    expect(unknown.json.error.code).toBe('not_found')
    expect((await api.post('/v1/jobs/zzzzzzzzzzzz/cancel')).status).toBe(404)
  })

  it('cancels a queued job, answers 409 for a finished one, and keeps cancel from viewers', async () => {
    const viewer = await api.post('/v1/tokens', { name: 'jobs-viewer', role: 'viewer' })
    const asViewer = apiClient(serve.url, viewer.json.token)
    expect((await asViewer.get('/v1/jobs/waiting00002')).status).toBe(200)
    expect((await asViewer.post('/v1/jobs/waiting00002/cancel')).status).toBe(403)

    const canceled = await api.post('/v1/jobs/waiting00002/cancel')
    expect(canceled.status).toBe(200)
    expect(canceled.json).toMatchObject({ id: 'waiting00002', status: 'canceled', error: null })
    const again = await api.post('/v1/jobs/waiting00002/cancel')
    expect(again.status).toBe(409)
    expect(again.json.error.code).toBe('conflict')
    expect((await api.post('/v1/jobs/pulled000001/cancel')).status).toBe(409)
    expect((await api.post('/v1/jobs/crashed00001/cancel')).status).toBe(409)
  })

  it('streams a job’s kept log lines over the WebSocket and ends for a finished job', async () => {
    const ws = await wsClient(serve.url, serve.adminToken)
    try {
      const id = ws.openStream('jobs.log', { jobId: 'pulled000001' })
      const end = await ws.next((m) => m.type === 'stream.end' && m.id === id)
      const data = ws.messages.filter((m) => m.type === 'stream.data' && m.id === id)
      expect(data.flatMap((m) => m.data.lines.map((l: { text: string }) => l.text))).toEqual([
        'Pulling from library/nginx',
        'Status: Downloaded newer image',
      ])
      expect(end.error).toBeUndefined()
      const missing = ws.openStream('jobs.log', { jobId: 'zzzzzzzzzzzz' })
      expect((await ws.next((m) => m.type === 'stream.end' && m.id === missing)).error.code).toBe('not_found')
    } finally {
      ws.close()
    }
  })
})

describe('jobs after kill -9', () => {
  it('settles the running job of a server killed with SIGKILL as interrupted as soon as the next one starts', async () => {
    const dataDir = tempDataDir()
    const first = await startServe({ dataDir })
    const pid = first.process.pid!
    // What the killed server's runner would have written for a job it held: its pid and a fresh heartbeat.
    withStore(dataDir, (db) =>
      insertJob(
        db,
        {
          id: 'holding00001',
          kind: 'image.pull',
          status: 'running',
          lockKey: 'service:svc000000001',
          runner: { id: 'killedrun001', pid, host: hostname(), heartbeatAt: new Date().toISOString() },
        },
        1,
      ),
    )
    await first.kill9()
    expect(spawnSync('kill', ['-0', String(pid)]).status).not.toBe(0)
    const left = withStore(dataDir, (db) =>
      db.prepare("SELECT status FROM jobs WHERE id = 'holding00001'").pluck().get(),
    )
    expect(left).toBe('running')

    const second = await startServe({ dataDir })
    try {
      const job = await apiClient(second.url, second.adminToken).get('/v1/jobs/holding00001')
      expect(job.json).toMatchObject({ status: 'failed', error: { code: 'interrupted' } })
    } finally {
      await second.stop()
    }
  })
})
