import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { cutSshSessionsOf } from '../../../e2e/fixtures/ssh-session'
import { dockerCli, testbedEnv, testContainers, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { addTestbedHost } from '../../../e2e/fixtures/testbed-host'
import { wsClient } from '../../../e2e/fixtures/ws-client'

let env: TestbedEnv
let serve: ServeProcess
let hostId: string
let containers: ReturnType<typeof testContainers>
const runContainer = (name: string, script: string): string => containers.run(name, script)

/** Collects a log stream's lines, acknowledging each batch as a renderer would after drawing it. */
function collectLines(client: Awaited<ReturnType<typeof wsClient>>, streamId: number) {
  const lines: { stream: string; text: string }[] = []
  const resumed: number[] = []
  let ended: unknown = null
  client.onMessage((m) => {
    if (m.id !== streamId) return
    if (m.type === 'stream.data') {
      if (m.data.resumed) resumed.push(lines.length)
      lines.push(...m.data.lines)
      client.ack(streamId, 1)
    } else if (m.type === 'stream.end') ended = m.error ?? true
  })
  return { lines, resumed, ended: () => ended }
}

beforeAll(async () => {
  env = testbedEnv()
  containers = testContainers(env)
  serve = await startServe()
  hostId = await addTestbedHost(serve, env)
})

afterAll(async () => {
  containers?.removeAll()
  await serve?.stop()
})

describe('container streams through the SSH tunnel', () => {
  it('follows logs with stdout and stderr told apart', async () => {
    const client = await wsClient(serve.url, serve.adminToken)
    const name = `gd-follow-${Date.now()}`
    runContainer(
      name,
      'i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; sleep 0.05; done; sleep 300',
    )
    const streamId = client.openStream('containers.logs', { hostId, containerId: name, tail: 100_000 })
    const { lines } = collectLines(client, streamId)
    await eventually(async () => lines.length >= 80, 15_000, '80 lines')
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(
      Array.from({ length: 40 }, (_, i) => `out ${i + 1}`),
    )
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(
      Array.from({ length: 40 }, (_, i) => `err ${i + 1}`),
    )
    client.close()
  })

  it('keeps a log stream across a cut SSH link with no line lost or repeated', async () => {
    const client = await wsClient(serve.url, serve.adminToken)
    const name = `gd-survive-${Date.now()}`
    runContainer(name, 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo "line $i"; sleep 0.002; done; sleep 300')
    const streamId = client.openStream('containers.logs', { hostId, containerId: name, tail: 100_000 })
    const { lines, resumed } = collectLines(client, streamId)
    await eventually(async () => lines.length >= 300, 15_000, 'first lines')
    expect(cutSshSessionsOf(env, serve.process.pid!)).toBeGreaterThan(0)
    await eventually(async () => lines.length >= 3000, 60_000, 'all 3000 lines')
    await new Promise((r) => setTimeout(r, 500))
    expect(lines.map((l) => l.text)).toEqual(Array.from({ length: 3000 }, (_, i) => `line ${i + 1}`))
    expect(resumed.length).toBeGreaterThan(0)
    client.close()
  })

  it('follows a container across its own restart, without repeating a line', async () => {
    const client = await wsClient(serve.url, serve.adminToken)
    const name = `gd-restart-${Date.now()}`
    // The counter lives in the container's filesystem, which survives a stop and start; it is replaced by a
    // rename, so the SIGKILL of `docker stop` cannot leave it empty (which would restart the count at 1).
    runContainer(
      name,
      'n=$(cat /n 2>/dev/null || echo 0); while true; do n=$((n+1)); echo $n > /n.new; busybox mv /n.new /n; echo "line $n"; sleep 0.01; done',
    )
    const streamId = client.openStream('containers.logs', { hostId, containerId: name, tail: 100_000 })
    const { lines, resumed } = collectLines(client, streamId)
    await eventually(async () => lines.length >= 100, 15_000, 'first lines')
    dockerCli(env, ['stop', '-t', '1', name])
    const beforeRestart = lines.length
    dockerCli(env, ['start', name])
    await eventually(async () => lines.length >= beforeRestart + 100, 20_000, 'lines after the restart')
    const numbers = lines.map((l) => Number(l.text.replace('line ', '')))
    for (let i = 1; i < numbers.length; i++) {
      // Strictly increasing: nothing repeated. A kill between writing the counter and echoing may skip one.
      expect(numbers[i]! - numbers[i - 1]!, `at ${i}: ${numbers[i - 1]} → ${numbers[i]}`).toBeGreaterThanOrEqual(1)
      expect(numbers[i]! - numbers[i - 1]!).toBeLessThanOrEqual(2)
    }
    expect(resumed.length).toBeGreaterThan(0)
    client.close()
  })

  it('streams stats samples about once a second', async () => {
    const client = await wsClient(serve.url, serve.adminToken)
    const name = `gd-statsstream-${Date.now()}`
    runContainer(name, 'while true; do :; done')
    const streamId = client.openStream('containers.stats', { hostId, containerId: name })
    const samples: { cpuPercent: number; memoryUsage: number }[] = []
    client.onMessage((m) => m.id === streamId && m.type === 'stream.data' && samples.push(m.data))
    await eventually(async () => samples.length >= 3, 15_000, 'three samples')
    expect(samples.at(-1)!.cpuPercent).toBeGreaterThan(5)
    expect(samples.at(-1)!.memoryUsage).toBeGreaterThan(0)
    client.closeStream(streamId)
    client.close()
  })

  it('shows a container started with the docker CLI through engine events, without polling', async () => {
    const client = await wsClient(serve.url, serve.adminToken)
    client.subscribe('containers.changed')
    const name = `gd-events-${Date.now()}`
    const id = runContainer(name, 'sleep 300')
    const change = await client.next(
      (m) =>
        m.type === 'event' &&
        m.event === 'containers.changed' &&
        m.payload.upserted.some((c: { id: string; state: string }) => c.id === id && c.state === 'running'),
    )
    expect(change.payload.upserted.find((c: { id: string }) => c.id === id)).toMatchObject({ name, state: 'running' })
    dockerCli(env, ['rm', '-f', id])
    await client.next((m) => m.type === 'event' && m.event === 'containers.changed' && m.payload.removed.includes(id))
    client.close()
  })

  it('round-trips keystrokes through an interactive exec terminal, and resizes it', async () => {
    const client = await wsClient(serve.url, serve.adminToken)
    const name = `gd-exec-${Date.now()}`
    runContainer(name, 'sleep 300')
    const streamId = client.openStream('containers.exec', {
      hostId,
      containerId: name,
      command: ['sh'],
      cols: 100,
      rows: 30,
    })
    let output = ''
    client.onMessage((m) => {
      if (m.id === streamId && m.type === 'stream.data') output += m.data.data
    })
    client.streamInput(streamId, { type: 'data', data: 'echo $((6*7))-ok; busybox stty size\r' })
    await eventually(async () => output.includes('42-ok') && /30 100/.test(output), 15_000, 'exec output')
    client.streamInput(streamId, { type: 'resize', cols: 120, rows: 40 })
    await new Promise((r) => setTimeout(r, 300))
    client.streamInput(streamId, { type: 'data', data: 'busybox stty size\r' })
    await eventually(async () => /40 120/.test(output), 15_000, 'resized')
    client.streamInput(streamId, { type: 'data', data: 'exit\r' })
    await client.next((m) => m.type === 'stream.end' && m.id === streamId)
    client.close()
  })
})
