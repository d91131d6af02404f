import { request } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../logging/logger'
import { SshTunnel, type SshTunnelOptions, type TunnelStateEvent } from './ssh-tunnel'

const logger = createLogger({ level: 'silent' })
const pin = 'SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0'
const tunnels: SshTunnel[] = []

function tunnel(overrides: Partial<SshTunnelOptions> = {}): SshTunnel {
  const t = new SshTunnel({
    target: { host: '127.0.0.1', port: 22, username: 'root', auth: { kind: 'password', password: 'hunter2' } },
    pinnedFingerprint: pin,
    remoteSocketPath: '/var/run/docker.sock',
    logger,
    ...overrides,
  })
  tunnels.push(t)
  return t
}

/** A loopback port with nothing listening: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A tunnel to a port that refuses every connection (it never gets past TCP). */
async function refusedTunnel(overrides: Partial<SshTunnelOptions> = {}): Promise<SshTunnel> {
  const target = {
    host: '127.0.0.1',
    port: await closedPort(),
    username: 'root',
    auth: { kind: 'agent' as const, agentSocket: '/x' },
  }
  return tunnel({ target, ...overrides })
}

afterEach(() => {
  for (const t of tunnels.splice(0)) t.dispose()
})

describe('SshTunnel (no server)', () => {
  it.each([
    ['a pin that is not a SHA256 fingerprint', { pinnedFingerprint: 'MD5:aa:bb' }],
    ['an unsupported pinned key type', { pinnedKeyType: 'ssh-dss' }],
    ['a relative remote socket path', { remoteSocketPath: 'docker.sock' }],
  ])('refuses %s with a validation error', (_name, overrides) => {
    expect(() => tunnel(overrides)).toThrow(expect.objectContaining({ code: 'validation' }))
  })

  it('keeps retrying with growing, jittered delays while the host refuses connections', async () => {
    const t = await refusedTunnel({ backoff: { initialMs: 10, maxMs: 40 } })
    const events: TunnelStateEvent[] = []
    t.on('state', (e) => events.push(e))
    t.start()
    await expect.poll(() => events.filter((e) => e.state === 'reconnecting').length).toBeGreaterThanOrEqual(4)
    const retries = events.filter((e) => e.state === 'reconnecting')
    expect(events[0]).toEqual({ state: 'connecting' })
    expect(retries.map((e) => e.attempt).slice(0, 4)).toEqual([1, 2, 3, 4])
    for (const e of retries) expect(e.nextRetryMs).toBeLessThan(40)
    expect(t.state).toBe('reconnecting')
  })

  it('says why on every retry: the SSH port is closed, which is host_unreachable', async () => {
    const t = await refusedTunnel({ backoff: { initialMs: 10, maxMs: 10 } })
    const events: TunnelStateEvent[] = []
    t.on('state', (e) => events.push(e))
    t.start()
    await expect.poll(() => events.some((e) => e.state === 'reconnecting')).toBe(true)
    expect(events.find((e) => e.state === 'reconnecting')?.failure).toEqual({
      code: 'host_unreachable',
      message: expect.stringMatching(/^The SSH port \d+ on 127\.0\.0\.1 is closed \(connection refused\)$/),
    })
  })

  it('fails a request that waits longer than connectWaitMs with host_unreachable and the reason', async () => {
    const t = await refusedTunnel({ backoff: { initialMs: 50, maxMs: 50 }, connectWaitMs: 200 })
    t.start()
    const started = Date.now()
    await expect(t.openRemoteSocket()).rejects.toMatchObject({
      code: 'host_unreachable',
      message: expect.stringMatching(/connection refused/),
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
  })

  it('surfaces the wait failure as an HTTP request error through the agent', async () => {
    const t = await refusedTunnel({ connectWaitMs: 100 })
    t.start()
    const err = await new Promise<Error>((resolve) => {
      request({ agent: t.createAgent(), host: 'docker', path: '/_ping' }).on('error', resolve).end()
    })
    expect(err).toMatchObject({ code: 'host_unreachable' })
  })

  it('stops reconnecting and rejects waiting requests once disposed', async () => {
    const t = await refusedTunnel({ backoff: { initialMs: 10, maxMs: 10 } })
    const states: string[] = []
    t.on('state', (e) => states.push(e.state))
    t.start()
    const pending = t.openRemoteSocket()
    t.dispose()
    await expect(pending).rejects.toMatchObject({ code: 'docker_unreachable' })
    const seen = states.length
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(states.length).toBe(seen)
    expect(states.at(-1)).toBe('disposed')
    t.start()
    expect(t.state).toBe('disposed')
  })

  it('fails at once, without retrying, when the private key cannot be decrypted', () => {
    const t = tunnel({
      target: {
        host: '127.0.0.1',
        port: 1,
        username: 'root',
        auth: { kind: 'key', privateKey: 'not a key', passphrase: 'secret-passphrase' },
      },
    })
    t.start()
    expect(t.state).toBe('failed')
    expect(t.failure?.code).toBe('ssh_auth_failed')
    expect(t.failure?.message).not.toContain('secret-passphrase')
  })

  it('gives its HTTP agent a cheap util.inspect that shows no secret', () => {
    const agent = tunnel().createAgent()
    expect(inspect(agent)).toBe('TunnelAgent(root@127.0.0.1:22)')
    expect(inspect({ agent }, { depth: 10 })).not.toContain('hunter2')
  })

  it('never shows its credentials when inspected or serialised', () => {
    const t = tunnel()
    expect(inspect(t, { depth: 10 })).toBe('SshTunnel(root@127.0.0.1:22, connecting)')
    expect(JSON.stringify({ t })).toBe('{"t":{"target":"root@127.0.0.1:22","state":"connecting"}}')
  })
})
