import BetterSqlite3 from 'better-sqlite3'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startGitServer, type GitServer } from '../../../e2e/fixtures/git-server'
import { rawRequest } from '../../../e2e/fixtures/raw-http'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { githubSignature } from './signature'

/**
 * GitHub webhooks, settings, branch polling and notifications on the real headless server: signatures over the
 * raw body, the size cap, dedupe, a push that starts exactly one build of its commit, the poller picking up a commit
 * pushed to a real `git daemon`, and the settings and notifications routes by role.
 */
const SECRET = 'webhook secret of the int spec'
const WEBHOOK = '/v1/webhooks/github'
let env: TestbedEnv
let git: GitServer
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let viewer: ReturnType<typeof apiClient>
let hostId: string
let projectId: string
const suffix = Math.random().toString(36).slice(2, 8)
let deliveryCounter = 0

const newDelivery = (): string => `0b5a4a2e-0000-4000-8000-${suffix}${String(++deliveryCounter).padStart(6, '0')}`

async function postWebhook(
  event: string,
  body: string | Buffer,
  options: { signature?: string | null; delivery?: string; contentType?: string } = {},
) {
  const raw = typeof body === 'string' ? Buffer.from(body) : body
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? 'application/json',
    'X-GitHub-Event': event,
    'X-GitHub-Delivery': options.delivery ?? newDelivery(),
    'User-Agent': 'GitHub-Hookshot/test',
  }
  const signature = options.signature === undefined ? githubSignature(SECRET, raw) : options.signature
  if (signature !== null) headers['X-Hub-Signature-256'] = signature
  const res = await fetch(serve.url + WEBHOOK, { method: 'POST', headers, body: raw })
  const text = await res.text()
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined }
}

/** Reads the store directly: "nothing stored" is checked where it would be stored. */
function count(table: string): number {
  const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    db.close()
  }
}

const pushBody = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    ref: 'refs/heads/main',
    before: git.commits.v1,
    after: git.commits.v2,
    deleted: false,
    repository: {
      // What GitHub would send for this repository, in the spellings a service may use.
      clone_url: git.url,
      git_url: git.url.replace(/^git:\/\//, 'git://'),
      ssh_url: `git@127.0.0.1:app.git`,
      html_url: git.url.replace(/^git:\/\//, 'https://'),
    },
    ...over,
  })

const builds = async (serviceId: string) => (await api.get(`/v1/cicd/services/${serviceId}/builds`)).json as any[]

const serviceIds: string[] = []
async function gitService(name: string, source: Record<string, unknown>) {
  const res = await api.post(`/v1/projects/${projectId}/services`, { name, git: source })
  expect(res.status, res.text).toBe(201)
  serviceIds.push(res.json.id)
  return res.json.id as string
}

beforeAll(async () => {
  env = testbedEnv()
  git = await startGitServer({ baseImage: env.busyboxImage })
  // A short poll interval for the spec (the contract's minimum is 15 s): an operator's setting, from the environment.
  serve = await startServe({ env: { GLINRDOCK_POLL_INTERVAL_MS: '300' } })
  api = apiClient(serve.url, serve.adminToken)
  const token = await api.post('/v1/tokens', { name: 'hooks viewer', role: 'viewer' })
  viewer = apiClient(serve.url, token.json.token)
  const host = await api.post('/v1/hosts', { name: 'hooks-local', socketPath: env.dockerSocket })
  expect(host.status, host.text).toBe(201)
  hostId = host.json.id
  await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  const project = await api.post('/v1/projects', { name: `hooks-${suffix}`, hostId })
  expect(project.status, project.text).toBe(201)
  projectId = project.json.id
})

afterAll(async () => {
  // Builds the spec started finish first; the images they made go with them.
  const all = async () => (await Promise.all(serviceIds.map(builds))).flat()
  if (serve) {
    await eventually(async () => (await all()).every((b) => !['queued', 'running'].includes(b.status)), 120_000)
    for (const b of await all()) if (b.imageTag) dockerCli(env, ['rmi', '-f', b.imageTag])
  }
  if (projectId) await api.delete(`/v1/projects/${projectId}?force=true&volumes=true`)
  await serve?.stop()
  await git?.stop()
})

describe('settings', () => {
  it('never return the secret, let a viewer read but not write, and store it sealed', async () => {
    const initial = await viewer.get('/v1/settings')
    expect(initial.status, initial.text).toBe(200)
    expect(initial.json).toMatchObject({ githubWebhookSecretSet: false, githubWebhookPath: WEBHOOK })

    const refused = await viewer.put('/v1/settings', { githubWebhookSecret: SECRET })
    expect(refused.status).toBe(403)
    expect((await api.get('/v1/settings')).json.githubWebhookSecretSet).toBe(false)

    const set = await api.put('/v1/settings', { githubWebhookSecret: SECRET })
    expect(set.status, set.text).toBe(200)
    expect(set.json.githubWebhookSecretSet).toBe(true)
    expect(set.text).not.toContain(SECRET)
    const read = await viewer.get('/v1/settings')
    expect(read.json.githubWebhookSecretSet).toBe(true)
    expect(read.text).not.toContain(SECRET)
    // Not in clear anywhere in the data dir (the database, its WAL, logs).
    for (const name of readdirSync(serve.dataDir)) {
      const path = join(serve.dataDir, name)
      try {
        expect(readFileSync(path).includes(Buffer.from(SECRET)), name).toBe(false)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw err
      }
    }
    expect(serve.output()).not.toContain(SECRET)

    const invalid = await api.put('/v1/settings', { githubWebhookSecret: 'short' })
    expect(invalid.status).toBe(400)
    expect(invalid.json.error).toMatchObject({ code: 'validation', field: 'githubWebhookSecret' })
  })
})

describe('POST /v1/webhooks/github', () => {
  it('answers 401 for a missing or wrong signature and stores nothing', async () => {
    const body = JSON.stringify({ zen: 'x', hook_id: 1 })
    for (const signature of [null, 'sha256=' + '0'.repeat(64), githubSignature('wrong secret', body), 'garbage']) {
      const res = await postWebhook('ping', body, { signature })
      expect(res.status, res.text).toBe(401)
    }
    expect(count('webhook_deliveries')).toBe(0)
  })

  it('answers 413 over 5 MB, before looking at the signature; 5 MB and below reach the signature check', async () => {
    const over = await rawRequest(
      serve.port,
      [
        `POST ${WEBHOOK} HTTP/1.1`,
        `Host: 127.0.0.1:${serve.port}`,
        'Content-Type: application/json',
        'X-GitHub-Event: push',
        `Content-Length: ${5 * 1024 * 1024 + 1}`,
        'Connection: close',
        '',
        '{"a":',
      ].join('\r\n'),
    )
    expect(over.status).toBe(413)
    expect(JSON.parse(over.body).error.code).toBe('payload_too_large')
    // 2 MB (twice the API's own cap) gets past the size check to the signature check.
    const big = await postWebhook('push', Buffer.alloc(2 * 1024 * 1024, 0x20), {
      signature: 'sha256=' + '1'.repeat(64),
    })
    expect(big.status).toBe(401)
    expect(count('webhook_deliveries')).toBe(0)
  })

  it('answers 400 for a validly signed body that is not a JSON event', async () => {
    for (const body of ['Hello, World!', '[1]', '{"a":']) {
      const res = await postWebhook('push', body)
      expect(res.status, res.text).toBe(400)
    }
    const form = await postWebhook('push', 'nopayload=1', { contentType: 'application/x-www-form-urlencoded' })
    expect(form.status).toBe(400)
    const other = await postWebhook('push', '{}', { contentType: 'text/plain' })
    expect(other.status).toBe(415)
    expect(count('webhook_deliveries')).toBe(0)
  })

  it('answers a ping with 200, under any Host (GitHub sends the public name), and a replay does nothing', async () => {
    const body = JSON.stringify({ zen: 'Design for failure.', hook_id: 7 })
    const delivery = newDelivery()
    const request = [
      `POST ${WEBHOOK} HTTP/1.1`,
      'Host: hooks.example.com',
      'Content-Type: application/json',
      'X-GitHub-Event: ping',
      `X-GitHub-Delivery: ${delivery}`,
      `X-Hub-Signature-256: ${githubSignature(SECRET, body)}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n')
    const first = await rawRequest(serve.port, request)
    expect(first.status, first.body).toBe(200)
    expect(JSON.parse(first.body)).toEqual({ ok: true, event: 'ping' })
    const replay = await rawRequest(serve.port, request)
    expect(replay.status).toBe(200)
    expect(JSON.parse(replay.body)).toEqual({ duplicate: true })
    expect(count('webhook_deliveries')).toBe(1)
    // Every other route still refuses a foreign Host.
    const system = await rawRequest(
      serve.port,
      `GET /v1/system HTTP/1.1\r\nHost: hooks.example.com\r\nAuthorization: Bearer ${serve.adminToken}\r\nConnection: close\r\n\r\n`,
    )
    expect(system.status).toBe(421)
  })

  it('starts one build of exactly the pushed commit for a matching service; a replay and a deleted branch do nothing', async () => {
    const matching = await gitService('hooked', { url: git.url, ref: 'main' })
    const otherBranch = await gitService('hooked-dev', { url: git.url, ref: 'develop' })
    const delivery = newDelivery()
    const res = await postWebhook('push', pushBody(), { delivery })
    expect(res.status, res.text).toBe(202)
    expect(res.json.builds).toHaveLength(1)
    const [started] = await builds(matching)
    expect(started).toMatchObject({ id: res.json.builds[0], trigger: 'webhook', ref: 'main', commit: git.commits.v2 })

    const replay = await postWebhook('push', pushBody(), { delivery })
    expect(replay).toMatchObject({ status: 200, json: { duplicate: true } })
    // The delivery id is not signed: the same push under a new one builds nothing built or building.
    const replayedAnew = await postWebhook('push', pushBody())
    expect(replayedAnew).toMatchObject({ status: 200, json: { builds: [], skipped: [matching] } })
    const deleted = await postWebhook('push', pushBody({ deleted: true, after: '0'.repeat(40) }))
    expect(deleted).toMatchObject({ status: 200, json: { ignored: true, reason: 'branch deleted' } })
    const tag = await postWebhook('push', pushBody({ ref: 'refs/tags/v1' }))
    expect(tag.status).toBe(200)
    expect(await builds(matching)).toHaveLength(1)
    expect(await builds(otherBranch)).toHaveLength(0)
    // The signature never reaches the log.
    expect(serve.output()).not.toContain('sha256=')
  })
})

describe('branch polling', () => {
  it('records the branch first, then builds a commit pushed to the git daemon', async () => {
    const followed = await gitService('polled', { url: git.url, ref: 'main', poll: true })
    // The first observation only records what the branch points at.
    const seen = () => {
      const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
      try {
        return db.prepare('SELECT last_commit FROM branch_poll_state WHERE service_id = ?').pluck().get(followed)
      } finally {
        db.close()
      }
    }
    await eventually(async () => seen() !== undefined, 20_000, 'the first poll')
    const before = await builds(followed)
    expect(before.filter((b) => b.trigger === 'poll')).toEqual([])
    const pushed = await git.pushVersion(`polled-${suffix}`)
    const built = await eventually(
      async () => (await builds(followed)).find((b) => b.trigger === 'poll' && b.commit === pushed),
      20_000,
      'a build of the pushed commit',
    )
    expect(built).toMatchObject({ trigger: 'poll', ref: 'main', commit: pushed, deployAfter: false })
    // Once: later polls see the same commit.
    await new Promise((r) => setTimeout(r, 1500))
    expect((await builds(followed)).filter((b) => b.trigger === 'poll')).toHaveLength(1)
  })
})

describe('notifications', () => {
  it('lists build results to a viewer, who may mark them read', async () => {
    const list = await eventually(
      async () => {
        const res = await viewer.get('/v1/notifications?limit=50')
        expect(res.status, res.text).toBe(200)
        return res.json.items.some((i: { buildId: string | null }) => i.buildId) && res.json
      },
      120_000,
      'a build notification',
    )
    const item = list.items.find((i: { buildId: string | null }) => i.buildId)
    expect(item).toMatchObject({ kind: expect.stringMatching(/^build\.(succeeded|failed)$/), read: false })
    expect(list.unread).toBeGreaterThan(0)
    const marked = await viewer.post('/v1/notifications/read', { ids: [item.id] })
    expect(marked.status, marked.text).toBe(204)
    const after = (await viewer.get('/v1/notifications')).json
    expect(after.items.find((i: { id: string }) => i.id === item.id).read).toBe(true)
    expect((await viewer.post('/v1/notifications/read', { all: true })).status).toBe(204)
    expect((await viewer.get('/v1/notifications')).json.unread).toBe(0)
    expect((await viewer.post('/v1/notifications/read', {})).status).toBe(400)
    expect((await viewer.get('/v1/notifications?limit=0')).status).toBe(400)
  })

  it('reports a service whose container turns unhealthy, once', async () => {
    const created = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'sickly',
      image: env.busyboxImage,
      command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"],
      healthcheck: { type: 'command', command: ['false'], interval: '1s', timeout: '1s', retries: 1 },
    })
    expect(created.status, created.text).toBe(201)
    const serviceId = created.json.id
    const started = await api.post(`/v1/services/${serviceId}/start`)
    expect([200, 202], started.text).toContain(started.status)
    const health = await eventually(
      async () =>
        (await viewer.get('/v1/notifications')).json.items.find(
          (i: { kind: string; serviceId: string }) => i.kind === 'health.unhealthy' && i.serviceId === serviceId,
        ),
      30_000,
      'a health notification',
    )
    expect(health).toMatchObject({ level: 'warning', projectId, title: 'sickly is unhealthy', actions: ['rollback'] })
    // It stays unhealthy (the check keeps failing): still one notification a few checks later.
    await new Promise((r) => setTimeout(r, 3000))
    const items = (await viewer.get('/v1/notifications?limit=200')).json.items
    expect(items.filter((i: { kind: string; serviceId: string }) => i.serviceId === serviceId)).toHaveLength(1)
  })
})

// Last: it spends this address's webhook budget for the minute.
describe('the webhook rate limit', () => {
  it('answers 429 past 300 deliveries a minute from one address, before reading anything', async () => {
    const statuses = new Map<number, number>()
    for (let i = 0; i < 310; i++) {
      const res = await fetch(serve.url + WEBHOOK, { method: 'POST', headers: { 'Content-Type': 'application/json' } })
      await res.arrayBuffer()
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
    }
    expect(statuses.get(429)).toBeGreaterThan(0)
    expect((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0)).toBe(310)
    // The token-authenticated API has its own budget.
    expect((await api.get('/v1/settings')).status).toBe(200)
  })
})
