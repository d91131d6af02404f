/**
 * What clients that do not read cost the headless server: its resident memory while 4 viewer sockets
 * each open 32 log follows (tail 20,000 of a container with 40,000 lines) and never read, first
 * acknowledging nothing, then acknowledging blindly (which defeats per-stream flow control, leaving
 * only the per-socket cap), and again after they are gone. Before the hardening issue the same kind
 * of attack (60 streams on one socket) took the server from 123 MB to 509 MB, not released after close.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, it } from 'vitest'
import { apiClient, eventually } from '../e2e/fixtures/api-client'
import { rawWebSocket, type RawWebSocket } from '../e2e/fixtures/raw-ws'
import { startServe, type ServeProcess } from '../e2e/fixtures/serve-process'
import { testbedEnv, testContainers } from '../e2e/fixtures/testbed-env'

const env = testbedEnv()
const containers = testContainers(env)
let serve: ServeProcess
let hostId: string
let containerId: string
let viewer: string

const rssMb = (): number => {
  const status = readFileSync(`/proc/${serve.process.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}
const openFiles = (): number => readdirSync(`/proc/${serve.process.pid}/fd`).length
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  serve = await startServe()
  const admin = apiClient(serve.url, serve.adminToken)
  hostId = (await admin.post('/v1/hosts', { name: 'local', socketPath: env.dockerSocket })).json.id
  await eventually(async () => (await admin.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  viewer = (await admin.post('/v1/tokens', { name: 'slow', role: 'viewer' })).json.token
  containerId = containers.run(
    'gd-bench-chatty',
    'i=0; while [ $i -lt 40000 ]; do echo "line $i padding padding padding padding"; i=$((i+1)); done; sleep 3600',
  )
  await eventually(
    async () => (await admin.get(`/v1/hosts/${hostId}/containers/${containerId}/logs?tail=1`)).text.includes('39999'),
    60_000,
  )
})

afterAll(async () => {
  containers.removeAll()
  await serve?.stop()
})

async function attack(blindAcks: boolean): Promise<{ peak: number; cut: number }> {
  const sockets: RawWebSocket[] = []
  for (let s = 0; s < 4; s++) {
    const socket = await rawWebSocket(serve.port, { read: false })
    socket.send(JSON.stringify({ type: 'auth', token: viewer }))
    for (let i = 1; i <= 32; i++) {
      socket.send(
        JSON.stringify({
          type: 'stream.open',
          id: i,
          stream: 'containers.logs',
          params: { hostId, containerId, tail: 20000 },
        }),
      )
    }
    sockets.push(socket)
  }
  let peak = 0
  const acks = blindAcks
    ? setInterval(() => {
        for (const socket of sockets)
          for (let i = 1; i <= 32; i++) socket.send(JSON.stringify({ type: 'stream.ack', id: i, count: 1_000_000 }))
      }, 20)
    : undefined
  for (let t = 0; t < 40; t++) {
    peak = Math.max(peak, rssMb())
    await sleep(250)
  }
  clearInterval(acks)
  const cut = sockets.filter((s) => s.isClosed()).length
  for (const socket of sockets) socket.destroy()
  return { peak, cut }
}

it('server memory under clients that do not read', async () => {
  await sleep(2000)
  const idle = rssMb()
  const rounds: { phase: string; mb: number; cut?: number; files?: number }[] = [
    { phase: 'idle (baseline)', mb: idle, files: openFiles() },
  ]
  // Two rounds of each: memory that stays after a round is retained by the allocator if the second round
  // does not add to it, and leaked if it does.
  for (const blindAcks of [false, false, true, true]) {
    const result = await attack(blindAcks)
    rounds.push({
      phase: `not reading, ${blindAcks ? 'blind acks' : 'no acks'} (peak)`,
      mb: result.peak,
      cut: result.cut,
    })
    await sleep(5000)
    rounds.push({ phase: '5 s after they left', mb: rssMb(), files: openFiles() })
  }
  const row = (phase: string, mb: number, cut?: number) => ({
    phase,
    'RSS MB': mb.toFixed(0),
    'ratio to idle': `${(mb / idle).toFixed(2)}×`,
    ...(cut === undefined ? {} : { 'sockets cut by the server': `${cut} of 4` }),
  })
  console.log('\nheadless server RSS, 4 sockets × 32 log follows (tail 20,000), never reading')
  console.table(rounds.map((r) => ({ ...row(r.phase, r.mb, r.cut), ...(r.files ? { 'open files': r.files } : {}) })))
}, 600_000)
