import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Server } from 'ssh2'
import { createLogger } from '../logging/logger'
import { blobOfPublicKeyLine, fingerprintOfKeyBlob } from './fingerprint'
import { SshTunnel } from './ssh-tunnel'
import { stateEventsUntil } from './tunnel-test-support'
import { ed25519KeyPair } from '../../../e2e/fixtures/ssh-keys'

/**
 * An in-process ssh2 server (Podman Desktop's approach) for what the test bed's sshd cannot show: password auth
 * (the test bed disables it) and exactly which requests the client sends.
 */
const hostKey = ed25519KeyPair()
const hostFingerprint = fingerprintOfKeyBlob(blobOfPublicKeyLine(hostKey.public))
const seen = { methods: [] as string[], execs: [] as string[], agentForwards: 0 }
let server: Server
let port: number
const tunnels: SshTunnel[] = []

beforeAll(async () => {
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (ctx) => {
      seen.methods.push(ctx.method)
      if (ctx.method === 'password' && ctx.password === 'right') return ctx.accept()
      ctx.reject(['password'])
    })
    client.on('session', (accept) => {
      const session = accept()
      session.on('auth-agent', (acceptAgent) => {
        seen.agentForwards++
        acceptAgent?.()
      })
      session.on('exec', (acceptExec, _reject, info) => {
        seen.execs.push(info.command)
        const stream = acceptExec()
        stream.exit(0)
        stream.end()
      })
    })
    client.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(() => {
  server.close()
})

afterEach(() => {
  for (const t of tunnels.splice(0)) t.dispose()
  seen.methods = []
  seen.execs = []
  seen.agentForwards = 0
})

function start(password: string, pinnedFingerprint = hostFingerprint) {
  const tunnel = new SshTunnel({
    target: { host: '127.0.0.1', port, username: 'ada', auth: { kind: 'password', password } },
    pinnedFingerprint,
    pinnedKeyType: 'ssh-ed25519',
    remoteSocketPath: '/var/run/docker.sock',
    logger: createLogger({ level: 'silent' }),
    backoff: { initialMs: 20, maxMs: 20 },
  })
  tunnels.push(tunnel)
  return stateEventsUntil(tunnel, ['connected', 'failed'], { start: true })
}

describe('SshTunnel against an in-process ssh2 server', () => {
  it('authenticates with a password using that one method, then runs one harmless exec and no agent forwarding', async () => {
    expect((await start('right')).at(-1)?.state).toBe('connected')
    expect(seen.methods).toEqual(['password'])
    expect(seen.execs).toEqual(['true'])
    expect(seen.agentForwards).toBe(0)
  })

  it('fails with ssh_auth_failed after a single refused attempt and never retries', async () => {
    const events = await start('wrong')
    expect(events.at(-1)).toMatchObject({ state: 'failed', failure: { code: 'ssh_auth_failed' } })
    expect(JSON.stringify(events)).not.toContain('wrong')
    await new Promise((r) => setTimeout(r, 200))
    expect(seen.methods).toEqual(['password'])
  })

  it('never reaches authentication when the host key does not match the pin', async () => {
    const other = fingerprintOfKeyBlob(blobOfPublicKeyLine(ed25519KeyPair().public))
    const events = await start('right', other)
    expect(events.at(-1)).toMatchObject({ state: 'failed', failure: { code: 'host_key_mismatch' } })
    await new Promise((r) => setTimeout(r, 200))
    expect(seen.methods).toEqual([])
  })
})
