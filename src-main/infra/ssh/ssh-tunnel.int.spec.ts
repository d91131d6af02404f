import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testbedEnv } from '../../../e2e/fixtures/testbed-env'
import { createLogger } from '../logging/logger'
import { fingerprintOfKeyBlob } from './fingerprint'
import { LoopbackProxy } from './loopback-proxy'
import { SshTunnel, type SshAuth, type SshTunnelOptions, type TunnelState } from './ssh-tunnel'
import { dockerGet, stateEventsUntil } from './tunnel-test-support'

const env = testbedEnv()
const logger = createLogger({ level: 'silent' })
const tunnels: SshTunnel[] = []
const keyAuth = (file: string, passphrase?: string): SshAuth => ({
  kind: 'key',
  privateKey: readFileSync(file, 'utf8'),
  ...(passphrase === undefined ? {} : { passphrase }),
})

function openTunnel(auth: SshAuth, overrides: Partial<SshTunnelOptions> = {}): SshTunnel {
  const tunnel = new SshTunnel({
    target: { host: env.sshHost, port: env.sshPort, username: env.sshUser, auth },
    pinnedFingerprint: env.hostKeyFingerprint,
    pinnedKeyType: 'ssh-ed25519',
    remoteSocketPath: env.remoteSocketPath,
    logger,
    backoff: { initialMs: 50, maxMs: 200 },
    ...overrides,
  })
  tunnels.push(tunnel)
  return tunnel
}

const runUntil = (tunnel: SshTunnel, until: TunnelState[]) => stateEventsUntil(tunnel, until, { start: true })

/** Where the sshd log ends now: lines about a connection made after this are read from here. */
const sshdLogMark = (): number => statSync(env.sshdLog).size

/**
 * sshd log lines about one client connection, identified by its source port, written since `mark`: the log
 * holds the whole run, and an earlier connection may have had the same ephemeral port (one did, and it had
 * authenticated).
 */
function sshdLogFor(port: number, mark: number): string[] {
  return readFileSync(env.sshdLog)
    .subarray(mark)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.includes(`port ${port} `) || line.endsWith(`port ${port}`))
}

afterEach(() => {
  for (const tunnel of tunnels.splice(0)) tunnel.dispose()
})

describe('SshTunnel against the test bed sshd', () => {
  it('reaches the remote-only Docker socket through SSH: /_ping and /version', async () => {
    expect(existsSync(env.remoteSocketPath)).toBe(false)
    const tunnel = openTunnel(keyAuth(env.clientKey))
    const events = await runUntil(tunnel, ['connected', 'failed'])
    expect(events.map((e) => e.state)).toEqual(['connecting', 'connected'])
    const agent = tunnel.createAgent()
    expect(await dockerGet(agent, '/_ping')).toEqual({ status: 200, body: 'OK' })
    const version = await dockerGet(agent, '/version')
    expect(version.status).toBe(200)
    expect(JSON.parse(version.body)).toHaveProperty('ApiVersion')
  })

  it.each([
    ['the RSA key', () => keyAuth(env.clientKeyRsa)],
    ['the passphrase-protected key', () => keyAuth(env.clientKeyEncrypted, env.clientKeyPassphrase)],
  ])('connects with %s', async (_name, auth) => {
    const tunnel = openTunnel(auth())
    expect((await runUntil(tunnel, ['connected', 'failed'])).at(-1)?.state).toBe('connected')
    expect((await dockerGet(tunnel.createAgent(), '/_ping')).body).toBe('OK')
  })

  it.each([
    ['a wrong passphrase', () => keyAuth(env.clientKeyEncrypted, 'not-the-passphrase')],
    ['a missing passphrase', () => keyAuth(env.clientKeyEncrypted)],
    ['a key the server does not know', () => keyAuth(freshKey())],
  ])('fails with ssh_auth_failed and never retries for %s', async (_name, auth) => {
    const tunnel = openTunnel(auth())
    const events = await runUntil(tunnel, ['connected', 'failed'])
    expect(events.at(-1)).toMatchObject({ state: 'failed', failure: { code: 'ssh_auth_failed' } })
    await new Promise((r) => setTimeout(r, 400))
    expect(tunnel.state).toBe('failed')
    await expect(tunnel.openRemoteSocket()).rejects.toMatchObject({ code: 'ssh_auth_failed' })
  })

  describe('with ssh-agent', () => {
    let agentProcess: ChildProcess
    let agentSocket: string

    beforeAll(async () => {
      agentSocket = join(mkdtempSync(join(tmpdir(), 'gd-agent-')), 'agent.sock')
      agentProcess = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' })
      for (let i = 0; i < 100 && !existsSync(agentSocket); i++) await new Promise((r) => setTimeout(r, 50))
    })

    afterAll(() => {
      agentProcess.kill()
    })

    it('fails with ssh_auth_failed while the agent holds no accepted key', async () => {
      const tunnel = openTunnel({ kind: 'agent', agentSocket })
      const events = await runUntil(tunnel, ['connected', 'failed'])
      expect(events.at(-1)).toMatchObject({ state: 'failed', failure: { code: 'ssh_auth_failed' } })
    })

    it('connects once the key is added to the agent', async () => {
      execFileSync('ssh-add', ['-q', env.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } })
      const tunnel = openTunnel({ kind: 'agent', agentSocket })
      expect((await runUntil(tunnel, ['connected', 'failed'])).at(-1)?.state).toBe('connected')
      expect((await dockerGet(tunnel.createAgent(), '/_ping')).body).toBe('OK')
    })
  })

  describe('host key pinning', () => {
    let proxy: LoopbackProxy

    beforeAll(async () => {
      proxy = await LoopbackProxy.start(env.sshPort, env.sshHost)
    })

    afterAll(async () => {
      await proxy.close()
    })

    it('refuses a wrong key with host_key_mismatch before any authentication attempt', async () => {
      const wrongPin = fingerprintOfKeyBlob(Buffer.from('some other host'))
      const mark = sshdLogMark()
      const tunnel = openTunnel(keyAuth(env.clientKey), { target: proxyTarget(proxy), pinnedFingerprint: wrongPin })
      const seen = proxy.upstreamPorts.length
      const events = await runUntil(tunnel, ['connected', 'failed'])
      expect(events.at(-1)).toMatchObject({ state: 'failed', failure: { code: 'host_key_mismatch' } })
      expect(events.at(-1)?.failure?.message).toContain(env.hostKeyFingerprint)
      const port = proxy.upstreamPorts[seen] ?? 0
      await expect.poll(() => sshdLogFor(port, mark).some((l) => /closed|Disconnected|reset/i.test(l))).toBe(true)
      const lines = sshdLogFor(port, mark)
      expect(lines.some((l) => l.startsWith('Connection from'))).toBe(true)
      expect(lines.filter((l) => /Accepted|Failed|Postponed|userauth|publickey/i.test(l))).toEqual([])
      expect(proxy.upstreamPorts.length).toBe(seen + 1)
    })

    it('negotiates only the pinned key type, so a host with several keys matches a non-default pin', async () => {
      const ecdsa = openTunnel(keyAuth(env.clientKey), {
        pinnedFingerprint: env.hostKeyFingerprintEcdsa,
        pinnedKeyType: 'ecdsa-sha2-nistp256',
      })
      expect((await runUntil(ecdsa, ['connected', 'failed'])).at(-1)?.state).toBe('connected')
      const unrestricted = openTunnel(keyAuth(env.clientKey), {
        pinnedFingerprint: env.hostKeyFingerprintEcdsa,
        pinnedKeyType: undefined,
      })
      const events = await runUntil(unrestricted, ['connected', 'failed'])
      expect(events.at(-1)).toMatchObject({ failure: { code: 'host_key_mismatch' } })
    })

    it('probes the host key without authenticating, exactly as ssh-keygen prints it', async () => {
      const seen = proxy.upstreamPorts.length
      const mark = sshdLogMark()
      const probed = await SshTunnel.probeHostKey({ host: env.sshHost, port: proxy.port, timeoutMs: 5_000 })
      expect(probed).toEqual({ fingerprint: env.hostKeyFingerprint, keyType: 'ssh-ed25519' })
      const port = proxy.upstreamPorts[seen] ?? 0
      await expect.poll(() => sshdLogFor(port, mark).some((l) => /closed|Disconnected|reset/i.test(l))).toBe(true)
      expect(sshdLogFor(port, mark).filter((l) => /Accepted|Failed|Postponed|userauth/i.test(l))).toEqual([])
    })

    it.each([
      ['ecdsa-sha2-nistp256', () => env.hostKeyFingerprintEcdsa],
      ['ssh-rsa', () => env.hostKeyFingerprintRsa],
    ])('probes the %s host key when asked for that type', async (keyType, fingerprint) => {
      const probed = await SshTunnel.probeHostKey({ host: env.sshHost, port: env.sshPort, keyType })
      expect(probed).toEqual({ fingerprint: fingerprint(), keyType })
    })

    it('reports a closed SSH port from the probe as host_unreachable', async () => {
      await expect(SshTunnel.probeHostKey({ host: '127.0.0.1', port: 1, timeoutMs: 2_000 })).rejects.toMatchObject({
        code: 'host_unreachable',
      })
    })
  })
})

function freshKey(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gd-key-')), 'stranger')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  return file
}

function proxyTarget(proxy: LoopbackProxy): SshTunnelOptions['target'] {
  return { host: '127.0.0.1', port: proxy.port, username: env.sshUser, auth: keyAuth(env.clientKey) }
}
