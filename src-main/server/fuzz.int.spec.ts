import BetterSqlite3 from 'better-sqlite3'
import fc from 'fast-check'
import { appendFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../e2e/fixtures/api-client'
import {
  request as fuzzRequest,
  wsMessage,
  ROLES,
  EDGE_SPECS,
  HOSTILE_COMPOSE,
  UNPULLABLE_IMAGE,
  webhookDelivery,
  webhookEvent,
  webhookPayload,
  type FuzzContext,
  type FuzzRequest,
  type Role,
} from '../../e2e/fixtures/fuzz-inputs'
import { freePort } from '../../e2e/fixtures/free-port'
import { rawRequest } from '../../e2e/fixtures/raw-http'
import { rawWebSocket } from '../../e2e/fixtures/raw-ws'
import { startServe, type ServeProcess } from '../../e2e/fixtures/serve-process'
import { nginxImage, removeProxyObjects } from '../../e2e/fixtures/testbed-proxy'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../e2e/fixtures/testbed-env'
import { githubSignature } from '../core/webhooks/signature'

/**
 * Property: whatever arrives, from any role or none, the server stays up, answers below 500 (a 502
 * only for an unreachable engine or host), and stores nothing it did not say it stored: roles without
 * write permissions never change the store, and deployers and admins only with a 2xx (HTTP) or an ok
 * answer to a mutating request (WebSocket).
 * What the run creates on the engine (a project's network, containers of its services) is removed afterwards.
 * `npm test` runs a fixed seed; `npm run fuzz` runs longer with a fresh seed (and prints it).
 */
const SEED = Number(process.env.GLINRDOCK_FUZZ_SEED ?? 20261202)
const RUNS = Number(process.env.GLINRDOCK_FUZZ_RUNS ?? 400)
/** A file to append every HTTP exchange to (JSON lines), to read what a run sent and got. */
const LOG = process.env.GLINRDOCK_FUZZ_LOG
const UNREACHABLE = new Set(['docker_unreachable', 'host_unreachable'])
const MUTATING_METHODS =
  /^(tokens\.(create|revoke)|hosts\.(create|remove|replaceHostKey)|containers\.(start|stop|restart|remove)|secrets\.consent|projects\.(create|remove|start|stop|composeImport|adopt)|services\.(create|update|remove|start|stop|restart)|settings\.update|routes\.(create|remove)|certs\.(issue|renew))$/
/** The roles that may write (`operate` or `admin`); the others must never change the store. */
const WRITERS = new Set<Role>(['deployer', 'admin'])
const PROJECT_LABEL = 'io.glinrdock.project'
/** The run's own proxy container: its own name (other specs run theirs on the same engine) and free ports. */
const PROXY_NAME = `gdfuzz-proxy-${Math.random().toString(36).slice(2, 8)}`
/** ACME orders of the run go to a loopback port nothing answers on: none leaves this machine. */
const ACME_NOWHERE = 'https://127.0.0.1:1/directory'
/**
 * A compose file is read on the event loop. No answer within 10 s means a file blocked the server (a quadratic
 * path in the YAML library once took minutes); how long each took is printed, not asserted (speed is the bench's).
 */
const COMPOSE_TIMEOUT_MS = 10_000

let serve: ServeProcess
let env: TestbedEnv
let ctx: FuzzContext
/** Every project id the store ever held during the run: what the engine cleanup may remove. */
const projectIds = new Set<string>()
let engineBefore: EngineObjects | undefined
const tokens: Record<Role, string | null> = { none: null, garbage: null, viewer: null, deployer: null, admin: null }
const stats = {
  requests: 0,
  byStatus: new Map<number, number>(),
  /** Statuses of requests to /v1/projects, /v1/services and /v1/hosts/:id/adoptable. */
  projectsByStatus: new Map<number, number>(),
  wsRuns: 0,
  wsMessages: 0,
  wsProjectResults: new Map<string, number>(),
}
const count = <K>(map: Map<K, number>, key: K): void => void map.set(key, (map.get(key) ?? 0) + 1)
const histogram = <K>(map: Map<K, number>): string =>
  [...map.entries()]
    .sort((a, b) => String(a[0]).localeCompare(String(b[0]), 'en', { numeric: true }))
    .map(([k, n]) => `${k}:${n}`)
    .join(' ')

/** What the store holds, read from the database itself: the property "stored nothing" is checked here. */
function stored(): string {
  const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
  try {
    const ids = (table: string) => db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all() as string[]
    const projects = ids('projects')
    for (const id of projects) projectIds.add(id)
    return [
      `tokens:${ids('api_tokens').join(',')}`,
      `hosts:${ids('hosts').join(',')}`,
      `projects:${projects.join(',')}`,
      `services:${ids('services').join(',')}`,
      `routes:${ids('routes').join(',')}`,
      `certificates:${(db.prepare('SELECT domain FROM certificates ORDER BY domain').pluck().all() as string[]).join(',')}`,
      // Sealed values change with every seal: a changed value is a write.
      `settings:${JSON.stringify(db.prepare('SELECT key, value FROM settings ORDER BY key').all())}`,
      `files:${readdirSync(serve.dataDir).sort().join(',')}`,
    ].join(' ')
  } finally {
    db.close()
  }
}

function requestText(r: FuzzRequest, port: number): string {
  const good = `127.0.0.1:${port}`
  const hosts = {
    good: [good],
    evil: ['evil.example'],
    duplicate: [good, 'evil.example'],
    missing: [],
    long: ['h'.repeat(9000)],
  }[r.host]
  const headers = hosts.map((h) => `Host: ${h}`)
  const token = tokens[r.role]
  if (token) headers.push(`Authorization: Bearer ${token}`)
  if (r.contentType) headers.push(`Content-Type: ${r.contentType}`)
  for (const [name, value] of r.extraHeaders) headers.push(`${name}: ${value.replace(/[\r\n]/g, '')}`)
  // The socket writes the text as UTF-8: the length is the body's UTF-8 length.
  if (r.body !== undefined) headers.push(`Content-Length: ${Buffer.byteLength(r.body)}`)
  // A chunked request without a body still ends (with the last chunk), or the server rightly waits for one until
  // its request timeout, far beyond the client's.
  const chunked = r.extraHeaders.some(([name, value]) => name === 'Transfer-Encoding' && value === 'chunked')
  const content = r.body ?? (chunked ? '0\r\n\r\n' : '')
  return `${r.method} ${r.target} HTTP/1.1\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n${content}`
}

const acceptable = (status: number, body: string): boolean => {
  if (status < 500) return true
  if (status !== 502) return false
  try {
    return UNREACHABLE.has(JSON.parse(body).error.code)
  } catch {
    return false
  }
}

async function alive(): Promise<void> {
  expect(serve.process.exitCode, serve.output().slice(-2000)).toBeNull()
  expect((await fetch(`${serve.url}/v1/health`)).status).toBe(200)
}

/** Waits until the store stays the same for a while (the server is done with what it was still running). */
async function settled(): Promise<void> {
  for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
    const first = stored()
    // A request that reads a compose file holds the event loop: the health check waits for it.
    await fetch(`${serve.url}/v1/health`)
    await new Promise((r) => setTimeout(r, 200))
    if (stored() === first) return
  }
}

/** The server's log since `mark` (a length of it) holds no unhandled failure: each test answers for its own. */
function noUnhandledSince(mark: number): void {
  expect(serve.output().slice(mark)).not.toMatch(/unhandled error|uncaught exception|unhandled rejection/)
}

/** What carries glinrdock's project label on the engine, and the volumes the fuzzer may have named. */
interface EngineObjects {
  containers: Map<string, string>
  networks: Map<string, { name: string; project: string }>
  volumes: Set<string>
}

function engineObjects(): EngineObjects {
  const rows = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
  const containers = rows(
    dockerCli(env, [
      'ps',
      '-a',
      '--no-trunc',
      '--filter',
      `label=${PROJECT_LABEL}`,
      '--format',
      `{{.ID}} {{.Label "${PROJECT_LABEL}"}}`,
    ]),
  )
  const networks = rows(
    dockerCli(env, [
      'network',
      'ls',
      '--no-trunc',
      '--filter',
      'name=glinrdock-',
      '--format',
      `{{.ID}} {{.Name}} {{.Label "${PROJECT_LABEL}"}}`,
    ]),
  )
  const volumes = rows(dockerCli(env, ['volume', 'ls', '-q', '--filter', 'name=gdfuzz']))
  return {
    containers: new Map(containers.map(([id, project]) => [id!, project ?? ''])),
    networks: new Map(networks.map(([id, name, project]) => [id!, { name: name!, project: project ?? '' }])),
    volumes: new Set(volumes.map(([name]) => name!).filter((name) => name.startsWith('gdfuzz'))),
  }
}

/**
 * Removes what the run made on the engine: only objects that were not there before the run and that carry the
 * label of one of this server's projects (volumes: named `gdfuzz…`, a prefix only the fuzzer uses).
 */
function removeEngineObjects(before: EngineObjects): string {
  const after = engineObjects()
  const removed = { containers: 0, networks: 0, volumes: 0 }
  const attempt = (args: string[]): boolean => {
    try {
      dockerCli(env, args)
      return true
    } catch {
      return false
    }
  }
  for (const [id, project] of after.containers)
    if (!before.containers.has(id) && projectIds.has(project) && attempt(['rm', '-f', '-v', id])) removed.containers++
  for (const [id, network] of after.networks)
    if (
      !before.networks.has(id) &&
      network.name.startsWith('glinrdock-') &&
      projectIds.has(network.project) &&
      attempt(['network', 'rm', id])
    )
      removed.networks++
  for (const name of after.volumes) if (!before.volumes.has(name) && attempt(['volume', 'rm', name])) removed.volumes++
  return `removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes`
}

beforeAll(async () => {
  env = testbedEnv()
  engineBefore = engineObjects()
  serve = await startServe({ env: { GLINRDOCK_PROXY_NAME: PROXY_NAME, GLINRDOCK_PROXY_BIND: '127.0.0.1' } })
  const admin = apiClient(serve.url, serve.adminToken)
  const host = await admin.post('/v1/hosts', {
    name: 'fuzz',
    socketPath: env.dockerSocket,
    proxy: { image: nginxImage(env), httpPort: await freePort(), httpsPort: await freePort() },
  })
  expect(host.status, host.text).toBe(201)
  const hostId = host.json.id
  expect((await admin.put('/v1/settings', { acmeDirectoryUrl: ACME_NOWHERE })).status).toBe(200)
  await eventually(async () => (await admin.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  // A project and a service of the run's own, so some requests get past the lookup to the code behind it.
  const project = await admin.post('/v1/projects', { name: 'gdfuzz', hostId })
  expect(project.status, JSON.stringify(project.json)).toBe(201)
  const service = await admin.post(`/v1/projects/${project.json.id}/services`, { name: 'web', image: UNPULLABLE_IMAGE })
  expect(service.status, JSON.stringify(service.json)).toBe(201)
  ctx = { hostId, port: serve.port, projectId: project.json.id, serviceId: service.json.id }
  // A route of the run's own, so route ids get past the lookup too.
  const route = await admin.post('/v1/routes', { serviceId: service.json.id, domain: 'gdfuzz.invalid', port: 80 })
  expect(route.status, route.text).toBe(201)
  ctx.routeId = route.json.id
  tokens.admin = serve.adminToken
  for (const role of ['viewer', 'deployer'] as const) {
    tokens[role] = (await admin.post('/v1/tokens', { name: `fuzz ${role}`, role })).json.token
  }
  tokens.garbage = `gdt_${'a'.repeat(12)}_${'B'.repeat(43)}`
})

afterAll(async () => {
  if (serve) {
    stored()
    console.log(
      `fuzz seed ${SEED}: ${stats.requests} HTTP requests (${histogram(stats.byStatus)}), ` +
        `of them projects/services (${histogram(stats.projectsByStatus)}); ` +
        `${stats.wsRuns} WebSocket sessions, ${stats.wsMessages} messages, ` +
        `projects/services answers (${histogram(stats.wsProjectResults)}); ${projectIds.size} projects`,
    )
    await serve.stop()
  }
  // The run's proxy goes first: while it is connected to a project network, that network cannot be removed.
  if (env) console.log(`fuzz proxy cleanup: removed ${removeProxyObjects(env, PROXY_NAME)} proxy objects`)
  if (engineBefore) console.log(`fuzz engine cleanup: ${removeEngineObjects(engineBefore)}`)
})

describe('fuzzing the headless server', () => {
  it('survives random and adversarial HTTP requests from every role, answering below 500 and storing nothing it did not report', async () => {
    const mark = serve.output().length
    let before = stored()
    await fc.assert(
      fc.asyncProperty(fuzzRequest(ctx), async (r) => {
        // Removing the fuzz host, project or service would only make the rest of the run less interesting.
        fc.pre(
          !(
            r.method === 'DELETE' &&
            ((r.target.startsWith(`/v1/hosts/${ctx.hostId}`) && !r.target.includes('/containers')) ||
              r.target.startsWith(`/v1/projects/${ctx.projectId}`) ||
              r.target.startsWith(`/v1/routes/${ctx.routeId}`) ||
              r.target.startsWith(`/v1/services/${ctx.serviceId}`))
          ),
        )
        const t0 = Date.now()
        const res = await rawRequest(serve.port, requestText(r, serve.port))
        const ms = Date.now() - t0
        stats.requests++
        count(stats.byStatus, res.status)
        if (/^\/v1\/(projects|services)|^\/v1\/hosts\/[^/]*\/adoptable/.test(r.target))
          count(stats.projectsByStatus, res.status)
        if (LOG) {
          const { method, target, role, host, contentType, extraHeaders } = r
          const exchange = { method, target, role, host, contentType, extraHeaders, body: r.body?.slice(0, 2000) }
          const answer = { status: res.status, ms, body: res.body.slice(0, 500) }
          appendFileSync(LOG, JSON.stringify({ ...exchange, bodyLength: r.body?.length, answer }) + '\n')
        }
        expect(acceptable(res.status, res.body), `${res.status} ${res.body.slice(0, 300)}`).toBe(true)
        const after = stored()
        const reportedWrite = res.status >= 200 && res.status < 300 && /^(POST|PUT|PATCH|DELETE)$/.test(r.method)
        if (!reportedWrite || !WRITERS.has(r.role)) expect(after).toBe(before)
        before = after
        if (stats.requests % 50 === 0) await alive()
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    )
    await alive()
    noUnhandledSince(mark)
  })

  it('answers every hostile compose file, below 500, storing nothing on a dry run', async () => {
    const mark = serve.output().length
    const before = stored()
    const results = new Map<number | string, number>()
    const problems: string[] = []
    let slowest = 0
    for (const [i, yaml] of HOSTILE_COMPOSE.entries()) {
      const what = `#${i} ${JSON.stringify(yaml.slice(0, 40))} (${yaml.length} chars)`
      const t0 = Date.now()
      try {
        const res = await fetch(`${serve.url}/v1/projects/${ctx.projectId}/compose`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${tokens.admin}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ yaml, dryRun: true, confirmBinds: true }),
          signal: AbortSignal.timeout(COMPOSE_TIMEOUT_MS),
        })
        const text = await res.text()
        const ms = Date.now() - t0
        count(results, res.status)
        if (res.status >= 500) problems.push(`${what}: ${res.status} ${text.slice(0, 200)}`)
        slowest = Math.max(slowest, ms)
      } catch (err) {
        count(results, 'no answer')
        problems.push(`${what}: no answer after ${Date.now() - t0} ms (${String(err)})`)
      }
    }
    console.log(
      `fuzz hostile compose files: ${HOSTILE_COMPOSE.length} (${histogram(results)}), slowest answer ${slowest} ms`,
    )
    expect(problems).toEqual([])
    expect(stored()).toBe(before)
    await alive()
    noUnhandledSince(mark)
  })

  it('takes every spec at the edges of the schema: below 500 to create, read, edit, export and remove', async () => {
    const mark = serve.output().length
    const before = stored()
    const problems: string[] = []
    const call = async (role: 'admin' | 'deployer', method: string, path: string, body?: unknown) => {
      const res = await fetch(`${serve.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${tokens[role]}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, text, json: safeParse(text) as { id?: string } | undefined }
    }
    for (const [i, spec] of EDGE_SPECS.entries()) {
      const what = `#${i} ${JSON.stringify(spec).slice(0, 120)}`
      // A project for each spec, so what goes wrong with one stays with it.
      const project = await call('admin', 'POST', '/v1/projects', { name: `gdfuzzedge${i}`, hostId: ctx.hostId })
      expect(project.status, project.text).toBe(201)
      const projectId = project.json!.id!
      const binds = JSON.stringify(spec).includes('"bind"')
      for (const role of ['deployer', 'admin'] as const) {
        const body = { name: `gdfuzz${role}`, image: UNPULLABLE_IMAGE, ...spec }
        const created = await call(role, 'POST', `/v1/projects/${projectId}/services`, body)
        if (created.status >= 500)
          problems.push(`${what} create as ${role}: ${created.status} ${created.text.slice(0, 200)}`)
        if (binds && role === 'deployer' && created.status !== 403)
          problems.push(`${what} create as deployer: ${created.status}, not 403 (a bind mount needs admin)`)
        const id = created.status === 201 ? created.json?.id : undefined
        const steps: [string, string, unknown?][] = [
          ...(id
            ? ([
                ['GET', `/v1/services/${id}`],
                ['PATCH', `/v1/services/${id}`, { restart: { policy: 'no' } }],
              ] as [string, string, unknown?][])
            : []),
          ['GET', `/v1/projects/${projectId}`],
          ['GET', `/v1/projects/${projectId}/services`],
          ['GET', `/v1/projects/${projectId}/compose`],
        ]
        for (const [method, path, stepBody] of steps) {
          const res = await call(role, method, path, stepBody)
          if (res.status >= 500)
            problems.push(`${what} ${method} ${path} as ${role}: ${res.status} ${res.text.slice(0, 200)}`)
        }
      }
      const removed = await call('admin', 'DELETE', `/v1/projects/${projectId}?force=true`)
      if (removed.status !== 204) problems.push(`${what} removing its project: ${removed.status} ${removed.text}`)
    }
    expect(problems).toEqual([])
    expect(stored()).toBe(before)
    await alive()
    noUnhandledSince(mark)
  })

  it('answers every hostile GitHub delivery below 500: unsigned ones refused storing nothing, none building', async () => {
    const mark = serve.output().length
    const secret = 'gdfuzz webhook secret'
    const set = await fetch(`${serve.url}/v1/settings`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${tokens.admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ githubWebhookSecret: secret }),
    })
    expect(set.status).toBe(200)
    const deliveries = () => {
      const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
      try {
        return db.prepare('SELECT COUNT(*) FROM webhook_deliveries').pluck().get() as number
      } finally {
        db.close()
      }
    }
    const results = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(
        webhookEvent,
        webhookDelivery,
        fc.oneof(
          { weight: 6, arbitrary: webhookPayload.map((p) => JSON.stringify(p)) },
          { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
          { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '\u0000', '{"a":' + '['.repeat(5000)) },
        ),
        fc.constantFrom(
          'application/json',
          'application/json',
          'application/json; charset=utf-8',
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded',
          'text/plain',
          'application/JSON',
          null,
        ),
        fc.constantFrom('valid', 'valid', 'valid', 'missing', 'wrong', 'sha1', 'upper', 'duplicate'),
        fc.constantFrom('good', 'good', 'good', 'good', 'public', 'public', 'missing', 'duplicate'),
        async (event, delivery, json, type, signing, hostKind) => {
          const form = type === 'application/x-www-form-urlencoded'
          const body = form ? `payload=${encodeURIComponent(json)}` : json
          const valid = githubSignature(secret, Buffer.from(body))
          const signature = {
            valid: [valid],
            missing: [],
            wrong: [githubSignature('another secret', Buffer.from(body))],
            sha1: ['sha1=' + valid.slice(7, 47)],
            upper: ['sha256=' + valid.slice(7).toUpperCase()],
            duplicate: [valid, 'sha256=' + '0'.repeat(64)],
          }[signing]
          const hosts = {
            good: [`127.0.0.1:${serve.port}`],
            public: ['hooks.gdfuzz.invalid'],
            missing: [],
            duplicate: [`127.0.0.1:${serve.port}`, 'evil.example'],
          }[hostKind]
          const clean = (v: string) => v.replace(/[\r\n]/g, '')
          const headers = [
            ...hosts.map((h) => `Host: ${h}`),
            ...(type ? [`Content-Type: ${type}`] : []),
            `X-GitHub-Event: ${clean(event)}`,
            `X-GitHub-Delivery: ${clean(delivery)}`,
            ...signature.map((s) => `X-Hub-Signature-256: ${s}`),
            `Content-Length: ${Buffer.byteLength(body)}`,
          ]
          const before = deliveries()
          const res = await rawRequest(
            serve.port,
            `POST /v1/webhooks/github HTTP/1.1\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n${body}`,
          )
          count(results, `${signing === 'valid' ? 'signed' : 'unsigned'}:${res.status}`)
          expect(res.status, res.body.slice(0, 300)).toBeLessThan(500)
          expect(res.status, 'no push of the fuzzer names a service').not.toBe(202)
          // A header sent twice reaches Node joined: never a valid signature.
          if (signing !== 'valid') {
            expect([400, 401, 415, 429], res.body.slice(0, 300)).toContain(res.status)
            expect(deliveries()).toBe(before)
          }
        },
      ),
      { seed: SEED, numRuns: Math.min(RUNS, 200), endOnFailure: true },
    )
    console.log(`fuzz webhook deliveries: ${histogram(results)}`)
    await alive()
    noUnhandledSince(mark)
  })

  it('survives random and adversarial WebSocket traffic from every role, never answering internal', async () => {
    const mark = serve.output().length
    let before = stored()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROLES),
        fc.array(wsMessage(ctx), { minLength: 1, maxLength: 8 }),
        async (role, messages) => {
          const socket = await rawWebSocket(serve.port)
          stats.wsRuns++
          const token = tokens[role]
          if (token) socket.send(JSON.stringify({ type: 'auth', token }))
          let mutating = false
          /** Ids of the mutating requests, whose answers a writer's session waits for. */
          const mutatingIds = new Set<unknown>()
          /** Ids of the requests to projects and services methods, to count their answers. */
          const projectMethods = new Set<unknown>()
          for (const message of messages) {
            stats.wsMessages++
            if (message.kind === 'raw') socket.socket.write(message.bytes)
            else {
              const parsed = safeParse(message.text) as { method?: unknown; id?: unknown } | undefined
              if (MUTATING_METHODS.test(String(parsed?.method))) {
                mutating = true
                mutatingIds.add(parsed?.id)
              }
              if (/^(projects|services)\.|^hosts\.adoptable$/.test(String(parsed?.method)))
                projectMethods.add(parsed?.id)
              socket.send(message.text)
            }
          }
          let closed = false
          void socket.closed.then(() => (closed = true))
          await Promise.race([socket.closed, new Promise((r) => setTimeout(r, 150))])
          // A write the server finishes after the session ended would show up in the next session's check (and a
          // compose import or adoption can take longer than 150 ms): a writer waits for its mutating answers.
          const answered = () =>
            new Set(
              socket.texts
                .map((t) => safeParse(t) as { type?: unknown; id?: unknown } | undefined)
                .filter((a) => a?.type === 'response')
                .map((a) => a!.id),
            )
          for (const deadline = Date.now() + 10_000; WRITERS.has(role) && !closed && Date.now() < deadline;) {
            const ids = answered()
            if ([...mutatingIds].every((id) => ids.has(id))) break
            await new Promise((r) => setTimeout(r, 25))
          }
          socket.destroy()
          const answers = socket.texts.map(safeParse) as {
            type?: string
            id?: unknown
            result?: { ok: boolean; error?: { code: string } }
            error?: { code: string }
          }[]
          for (const answer of answers) {
            const code = answer.result?.error?.code ?? answer.error?.code
            expect(code, JSON.stringify(answer).slice(0, 300)).not.toBe('internal')
          }
          for (const answer of answers) {
            if (answer.type !== 'response' || !projectMethods.has(answer.id)) continue
            count(stats.wsProjectResults, answer.result?.ok ? 'ok' : (answer.result?.error?.code ?? 'no code'))
          }
          // A writer's session the server cut off (a later message broke the protocol) loses the answers to the
          // requests still running: those may write, as the writer asked, without a report, and after the session
          // ended. They are its writes: wait until the store settles, so the next session is not blamed for them.
          const answeredIds = new Set(answers.filter((a) => a.type === 'response').map((a) => a.id))
          const unanswered = closed && [...mutatingIds].some((id) => !answeredIds.has(id))
          if (unanswered && WRITERS.has(role)) await settled()
          const after = stored()
          const reportedWrite = mutating && (unanswered || answers.some((a) => a.type === 'response' && a.result?.ok))
          if (!reportedWrite || !WRITERS.has(role)) expect(after).toBe(before)
          before = after
          if (stats.wsRuns % 25 === 0) await alive()
        },
      ),
      { seed: SEED, numRuns: Math.ceil(RUNS / 3), endOnFailure: true },
    )
    await alive()
    noUnhandledSince(mark)
  })
})

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
