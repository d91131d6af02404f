/**
 * What each transport adds on top of the core: one `system.info` round trip via the service itself
 * (baseline), the dispatcher (schema parse + role check), REST over HTTP keep-alive, and the WebSocket.
 */
import { mkdtempSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, it } from 'vitest'
import WebSocket from 'ws'
import { createCore, type Core } from '../src-main/bootstrap'
import { createLogger } from '../src-main/infra/logging/logger'
import { KeyFileWrapper } from '../src-main/infra/secrets/key-file-wrapper'
import { startHttpServer, type RunningServer } from '../src-main/server/http-server'
import { measure, printLatencyTable } from './lib/measure'

let core: Core
let server: RunningServer
let token: string
let ws: WebSocket
let nextId = 0
const waiting = new Map<number, () => void>()
const agent = new Agent({ keepAlive: true })

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gd-bench-'))
  const logger = createLogger({ level: 'silent' })
  core = await createCore({
    dataDir,
    mode: 'headless',
    logger,
    keyWrapper: (d) => new KeyFileWrapper(join(d, 'secret.key')),
  })
  token = core.tokens.create({ name: 'bench', role: 'admin' }).token
  // The per-token rate limit would turn most of 3,300 calls into 429s: measure the path, not the limit.
  server = await startHttpServer({
    core,
    logger,
    host: '127.0.0.1',
    port: 0,
    rendererDir: dataDir,
    restRatePerMinute: 1_000_000,
  })
  ws = new WebSocket(server.url.replace('http', 'ws') + '/v1/ws')
  await new Promise((resolve) => ws.once('open', resolve))
  ws.send(JSON.stringify({ type: 'auth', token }))
  await new Promise((resolve) => ws.once('message', resolve))
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id: number }
    waiting.get(message.id)?.()
    waiting.delete(message.id)
  })
})

afterAll(async () => {
  ws.close()
  await server.close()
  core.dispose()
})

const getJson = (path: string) =>
  new Promise<void>((resolve, reject) => {
    const req = request(server.url + path, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume()
      res.on('end', () => resolve())
    })
    req.on('error', reject)
    req.end()
  })

it('system.info round trip through each transport', async () => {
  const options = { iterations: 3000, warmup: 300 }
  const rows = [
    await measure('service call', async () => core.system.info(), options),
    await measure(
      'dispatcher (schema + role check)',
      () => core.dispatcher.call('system.info', {}, { role: 'admin', actor: 'bench' }),
      options,
    ),
    await measure(
      'WebSocket request',
      () => {
        const id = nextId++
        return new Promise<void>((resolve) => {
          waiting.set(id, resolve)
          ws.send(JSON.stringify({ type: 'request', id, method: 'system.info', input: {} }))
        })
      },
      options,
    ),
    await measure('REST GET /v1/system (keep-alive)', () => getJson('/v1/system'), options),
  ]
  printLatencyTable('system.info round trip (ms per call)', rows, 'service call')
}, 120_000)
