import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { testbedEnv } from '../../../e2e/fixtures/testbed-env'
import { createLogger } from '../logging/logger'
import { LoopbackProxy } from './loopback-proxy'
import { SshTunnel, type SshTunnelOptions } from './ssh-tunnel'
import { dockerGet, stateEventsUntil } from './tunnel-test-support'

const env = testbedEnv()
const logger = createLogger({ level: 'silent' })
let proxy: LoopbackProxy
let tunnel: SshTunnel

function startTunnel(overrides: Partial<SshTunnelOptions> = {}): Promise<unknown> {
  tunnel = new SshTunnel({
    target: {
      host: '127.0.0.1',
      port: proxy.port,
      username: env.sshUser,
      auth: { kind: 'key', privateKey: readFileSync(env.clientKey, 'utf8') },
    },
    pinnedFingerprint: env.hostKeyFingerprint,
    pinnedKeyType: 'ssh-ed25519',
    remoteSocketPath: env.remoteSocketPath,
    logger,
    backoff: { initialMs: 50, maxMs: 200 },
    ...overrides,
  })
  return stateEventsUntil(tunnel, ['connected'], { start: true })
}

const sshdLog = () => readFileSync(env.sshdLog, 'utf8')

/** The sshd processes serving the connection that comes from `clientPort`, checked to be children of the test bed's sshd. */
function sshdProcessesFor(clientPort: number): number[] {
  const out = execFileSync(
    'ss',
    ['-Htnp', 'state', 'established', `( sport = :${env.sshPort} and dport = :${clientPort} )`],
    {
      encoding: 'utf8',
    },
  )
  const pids = [...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]))
  return [...new Set(pids)].filter((pid) => descendsFrom(pid, env.sshdPid))
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p = pid; p > 1;) {
    if (p === ancestor) return true
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  }
  return false
}

beforeEach(async () => {
  proxy = await LoopbackProxy.start(env.sshPort, env.sshHost)
})

afterEach(async () => {
  tunnel?.dispose()
  await proxy.close()
})

describe('SshTunnel link handling (test bed sshd)', () => {
  it('opens one session per connection so sshd turns on TCP_NODELAY', async () => {
    await startTunnel()
    const [port] = proxy.upstreamPorts
    await expect
      .poll(() => sshdLog())
      .toMatch(new RegExp(`Starting session: command for \\S+ from 127.0.0.1 port ${port} `))
  })

  it('reconnects after the link is cut, and requests through the same agent work again', async () => {
    await startTunnel()
    const agent = tunnel.createAgent()
    expect((await dockerGet(agent, '/_ping')).body).toBe('OK')
    const events = stateEventsUntil(tunnel, ['connected'])
    tunnel.dropConnection()
    expect((await events).map((e) => e.state)).toEqual(['reconnecting', 'connected'])
    expect((await dockerGet(agent, '/_ping')).body).toBe('OK')
    const second = proxy.upstreamPorts[1]
    expect(sshdLog()).toMatch(new RegExp(`Starting session: command for \\S+ from 127.0.0.1 port ${second} `))
  })

  it('reconnects after the sshd process serving the connection is killed', async () => {
    await startTunnel()
    const agent = tunnel.createAgent()
    expect((await dockerGet(agent, '/_ping')).body).toBe('OK')
    const pids = sshdProcessesFor(proxy.openUpstreamPorts()[0] ?? 0)
    expect(pids.length).toBeGreaterThan(0)
    const events = stateEventsUntil(tunnel, ['connected'])
    for (const pid of pids) process.kill(pid, 'SIGKILL')
    const seen = await events
    expect(seen[0]).toMatchObject({ state: 'reconnecting', attempt: 1 })
    expect(seen.at(-1)?.state).toBe('connected')
    expect((await dockerGet(agent, '/version')).status).toBe(200)
  })

  it('notices a silent link by keepalive, and a request made meanwhile waits for the reconnect', async () => {
    await startTunnel({ keepaliveIntervalMs: 200, keepaliveCountMax: 2, readyTimeoutMs: 1_000, connectWaitMs: 20_000 })
    const agent = tunnel.createAgent()
    expect((await dockerGet(agent, '/_ping')).body).toBe('OK')
    proxy.setBlackhole(true)
    await stateEventsUntil(tunnel, ['reconnecting'], { timeoutMs: 5_000 })
    const pending = dockerGet(agent, '/_ping')
    await new Promise((r) => setTimeout(r, 300))
    proxy.setBlackhole(false)
    await stateEventsUntil(tunnel, ['connected'])
    expect((await pending).body).toBe('OK')
  })

  it('reuses one channel for sequential keep-alive requests and closes channels it no longer needs', async () => {
    await startTunnel()
    const opened = vi.spyOn(tunnel, 'openRemoteSocket')
    const agent = tunnel.createAgent()
    for (let i = 0; i < 20; i++) expect((await dockerGet(agent, '/_ping')).body).toBe('OK')
    expect(opened).toHaveBeenCalledTimes(1)
    const oneShot = tunnel.createAgent({ keepAlive: false })
    await Promise.all(Array.from({ length: 10 }, () => dockerGet(oneShot, '/_ping')))
    expect(opened).toHaveBeenCalledTimes(11)
    agent.destroy()
    await expect.poll(() => tunnel.openChannelCount).toBe(0)
  })

  it('is gone for good once disposed: the session ends and requests fail with docker_unreachable', async () => {
    await startTunnel()
    const agent = tunnel.createAgent()
    expect((await dockerGet(agent, '/_ping')).body).toBe('OK')
    const [port] = proxy.upstreamPorts
    tunnel.dispose()
    expect(tunnel.state).toBe('disposed')
    await expect.poll(() => sshdLog()).toMatch(new RegExp(`Disconnected from user \\S+ 127.0.0.1 port ${port}`))
    await new Promise((r) => setTimeout(r, 300))
    expect(proxy.upstreamPorts).toHaveLength(1)
    await expect(tunnel.openRemoteSocket()).rejects.toMatchObject({ code: 'docker_unreachable' })
  })
})
