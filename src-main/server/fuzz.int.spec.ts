import BetterSqlite3 from 'better-sqlite3'
import fc from 'fast-check'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../e2e/fixtures/api-client'
import { request as fuzzRequest, wsMessage, ROLES, type FuzzRequest, type Role } from '../../e2e/fixtures/fuzz-inputs'
import { rawRequest } from '../../e2e/fixtures/raw-http'
import { rawWebSocket } from '../../e2e/fixtures/raw-ws'
import { startServe, type ServeProcess } from '../../e2e/fixtures/serve-process'
import { testbedEnv } from '../../e2e/fixtures/testbed-env'

/**
 * Property: whatever arrives, from any role or none, the server stays up, answers below 500 (a 502
 * only for an unreachable engine or host), and stores nothing it did not say it stored.
 * `npm test` runs a fixed seed; `npm run fuzz` runs longer with a fresh seed (and prints it).
 */
const SEED = Number(process.env.GLINRDOCK_FUZZ_SEED ?? 20261202)
const RUNS = Number(process.env.GLINRDOCK_FUZZ_RUNS ?? 400)
const UNREACHABLE = new Set(['docker_unreachable', 'host_unreachable'])
const MUTATING_METHODS =
  /^(tokens\.(create|revoke)|hosts\.(create|remove|replaceHostKey)|containers\.(start|stop|restart|remove)|secrets\.consent)$/

let serve: ServeProcess
let hostId: string
const tokens: Record<Role, string | null> = { none: null, garbage: null, viewer: null, deployer: null, admin: null }
const stats = { requests: 0, byStatus: new Map<number, number>(), wsRuns: 0, wsMessages: 0 }

/** What the store holds, read from the database itself: the property "stored nothing" is checked here. */
function stored(): string {
  const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
  try {
    const ids = (table: string) => db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all().join(',')
    return `tokens:${ids('api_tokens')} hosts:${ids('hosts')} files:${readdirSync(serve.dataDir).sort().join(',')}`
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
  const bodyBytes = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body)
  if (r.body !== undefined) headers.push(`Content-Length: ${bodyBytes.length}`)
  return `${r.method} ${r.target} HTTP/1.1\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n${bodyBytes.toString('latin1')}`
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

beforeAll(async () => {
  const env = testbedEnv()
  serve = await startServe()
  const admin = apiClient(serve.url, serve.adminToken)
  const host = await admin.post('/v1/hosts', { name: 'fuzz', socketPath: env.dockerSocket })
  hostId = host.json.id
  await eventually(async () => (await admin.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  tokens.admin = serve.adminToken
  for (const role of ['viewer', 'deployer'] as const) {
    tokens[role] = (await admin.post('/v1/tokens', { name: `fuzz ${role}`, role })).json.token
  }
  tokens.garbage = `gdt_${'a'.repeat(12)}_${'B'.repeat(43)}`
})

afterAll(async () => {
  if (serve) {
    const counts = [...stats.byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`)
    console.log(
      `fuzz seed ${SEED}: ${stats.requests} HTTP requests (${counts.join(' ')}), ${stats.wsRuns} WebSocket sessions, ${stats.wsMessages} messages`,
    )
    await serve.stop()
  }
})

describe('fuzzing the headless server', () => {
  it('survives random and adversarial HTTP requests from every role, answering below 500 and storing nothing it did not report', async () => {
    let before = stored()
    await fc.assert(
      fc.asyncProperty(fuzzRequest({ hostId, port: serve.port }), async (r) => {
        // Removing the fuzz host would only make the rest of the run less interesting.
        fc.pre(
          !(r.method === 'DELETE' && r.target.startsWith(`/v1/hosts/${hostId}`) && !r.target.includes('/containers')),
        )
        const res = await rawRequest(serve.port, requestText(r, serve.port))
        stats.requests++
        stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1)
        expect(acceptable(res.status, res.body), `${res.status} ${res.body.slice(0, 300)}`).toBe(true)
        const after = stored()
        const reportedWrite = res.status >= 200 && res.status < 300 && /^(POST|PUT|PATCH|DELETE)$/.test(r.method)
        if (!reportedWrite) expect(after).toBe(before)
        if (r.role !== 'admin') expect(after).toBe(before)
        before = after
        if (stats.requests % 50 === 0) await alive()
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    )
    await alive()
    expect(serve.output()).not.toMatch(/unhandled error|uncaught exception|unhandled rejection/)
  })

  it('survives random and adversarial WebSocket traffic from every role, never answering internal', async () => {
    let before = stored()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROLES),
        fc.array(wsMessage({ hostId, port: serve.port }), { minLength: 1, maxLength: 8 }),
        async (role, messages) => {
          const socket = await rawWebSocket(serve.port)
          stats.wsRuns++
          const token = tokens[role]
          if (token) socket.send(JSON.stringify({ type: 'auth', token }))
          let mutating = false
          for (const message of messages) {
            stats.wsMessages++
            if (message.kind === 'raw') socket.socket.write(message.bytes)
            else {
              if (MUTATING_METHODS.test(String((safeParse(message.text) as { method?: unknown })?.method)))
                mutating = true
              socket.send(message.text)
            }
          }
          await Promise.race([socket.closed, new Promise((r) => setTimeout(r, 150))])
          socket.destroy()
          const answers = socket.texts.map(safeParse) as {
            type?: string
            result?: { ok: boolean; error?: { code: string } }
            error?: { code: string }
          }[]
          for (const answer of answers) {
            const code = answer.result?.error?.code ?? answer.error?.code
            expect(code, JSON.stringify(answer).slice(0, 300)).not.toBe('internal')
          }
          const after = stored()
          const reportedWrite = mutating && answers.some((a) => a.type === 'response' && a.result?.ok)
          if (!reportedWrite || role !== 'admin') expect(after).toBe(before)
          before = after
          if (stats.wsRuns % 25 === 0) await alive()
        },
      ),
      { seed: SEED, numRuns: Math.ceil(RUNS / 3), endOnFailure: true },
    )
    await alive()
    expect(serve.output()).not.toMatch(/unhandled error|uncaught exception|unhandled rejection/)
  })
})

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
