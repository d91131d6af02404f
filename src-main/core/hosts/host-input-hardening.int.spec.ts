import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { testbedEnv, testbedSshHost, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'

/** Hostile or mistaken host input (issue "Hardening", items 6, 8 and 10) against the real sshd. */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let scratch: string

const sshHost = (name: string, ssh: Record<string, unknown>) => {
  const base = testbedSshHost(env, name) as { ssh: Record<string, unknown> }
  return { ...base, ssh: { ...base.ssh, ...ssh } }
}
const hostNames = async (): Promise<string[]> => (await api.get('/v1/hosts')).json.map((h: { name: string }) => h.name)

beforeAll(async () => {
  env = testbedEnv()
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  scratch = mkdtempSync(join(tmpdir(), 'gd-keys-'))
})

afterAll(async () => {
  await serve?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

describe('private key paths', () => {
  it.each([
    ['/dev/zero', /not a regular file/],
    ['/etc', /not a regular file/],
    ['/proc/self/environ', /private key/],
    ['/etc/shadow', /private key/],
    ['/no/such/key', /No key file/],
  ])('refuses %s before anything is stored', async (path, message) => {
    const res = await api.post('/v1/hosts', sshHost('bad-key', { privateKeyPath: path }))
    expect(res.status, res.text).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'validation', field: 'ssh.privateKeyPath' })
    expect(res.json.error.message).toMatch(message)
    expect(res.text).not.toMatch(/root:|PATH=/)
    expect(await hostNames()).toEqual([])
  })

  it('refuses a FIFO at once, and still shuts down on SIGTERM afterwards', async () => {
    const fifo = join(scratch, 'fifo')
    execFileSync('mkfifo', [fifo])
    const res = await api.post('/v1/hosts', sshHost('fifo-key', { privateKeyPath: fifo }))
    expect(res.status).toBe(400)
    expect(res.json.error.message).toMatch(/not a regular file/)
    const other = await startServe()
    const otherApi = apiClient(other.url, other.adminToken)
    expect((await otherApi.post('/v1/hosts', sshHost('fifo-key', { privateKeyPath: fifo }))).status).toBe(400)
    expect(await other.stop()).toBe(0)
  })

  it('refuses a file larger than 64 KiB, a public key, and a key whose passphrase is wrong', async () => {
    const big = join(scratch, 'big')
    writeFileSync(big, 'x'.repeat(65 * 1024))
    expect((await api.post('/v1/hosts', sshHost('big', { privateKeyPath: big }))).json.error.message).toMatch(/64 KiB/)
    const publicKey = await api.post('/v1/hosts', sshHost('pub', { privateKeyPath: `${env.clientKey}.pub` }))
    expect(publicKey.status).toBe(400)
    const wrongPassphrase = await api.post(
      '/v1/hosts',
      sshHost('enc', { privateKeyPath: env.clientKeyEncrypted, passphrase: 'not-it' }),
    )
    expect(wrongPassphrase.status).toBe(400)
    expect(wrongPassphrase.json.error.field).toBe('ssh.passphrase')
    const pasted = await api.post(
      '/v1/hosts',
      sshHost('pasted', { privateKeyPath: undefined, privateKey: 'not a key' }),
    )
    expect(pasted.json.error).toMatchObject({ code: 'validation', field: 'ssh.privateKey' })
    expect(await hostNames()).toEqual([])
  })

  it('follows a link to a real key, and a stored host whose key file turns bad fails alone on restart', async () => {
    const link = join(scratch, 'key-link')
    symlinkSync(env.clientKey, link)
    const created = await api.post('/v1/hosts', sshHost('linked', { privateKeyPath: link }))
    expect(created.status, created.text).toBe(201)
    await eventually(async () => (await api.get(`/v1/hosts/${created.json.id}`)).json.state === 'connected', 20_000)
    expect(await serve.stop()).toBe(0)

    rmSync(link)
    symlinkSync('/dev/zero', link)
    serve = await startServe({ dataDir: serve.dataDir })
    api = apiClient(serve.url, serve.adminToken)
    const host = await eventually(async () => {
      const h = (await api.get(`/v1/hosts/${created.json.id}`)).json
      return h.state === 'failed' && h
    }, 20_000)
    expect(host.failure).toMatchObject({
      code: 'ssh_auth_failed',
      message: expect.stringMatching(/not a regular file/),
    })
    expect((await fetch(`${serve.url}/v1/health`)).status).toBe(200)
    expect((await api.delete(`/v1/hosts/${created.json.id}`)).status).toBe(204)
  })
})

describe('known_hosts verdicts', () => {
  const knownHostsFile = () => join(serve.dataDir, '.ssh', 'known_hosts')
  const hostKeyLine = () => readFileSync(env.hostKeyPub, 'utf8').trim().split(' ').slice(0, 2).join(' ')

  it('refuses a key marked @revoked, whatever fingerprint the caller confirms', async () => {
    mkdirSync(join(serve.dataDir, '.ssh'), { recursive: true })
    writeFileSync(knownHostsFile(), `@revoked [${env.sshHost}]:${env.sshPort} ${hostKeyLine()}\n`)
    const res = await api.post('/v1/hosts', sshHost('revoked', {}))
    expect(res.status).toBe(409)
    expect(res.json.error).toMatchObject({ code: 'host_key_mismatch', message: expect.stringMatching(/@revoked/) })
    expect(await hostNames()).toEqual([])
    rmSync(knownHostsFile())
  })

  it('calls a known_hosts entry for another key host_key_mismatch, not a validation error', async () => {
    mkdirSync(join(serve.dataDir, '.ssh'), { recursive: true })
    copyFileSync(env.hostKeyPubRsa, join(scratch, 'other.pub'))
    const other = readFileSync(env.hostKeyPubRsa, 'utf8').trim().split(' ').slice(0, 2).join(' ')
    writeFileSync(knownHostsFile(), `[${env.sshHost}]:${env.sshPort} ${other}\n`)
    // The server offers its ed25519 key, known_hosts lists only its RSA key: unconfirmed, it must not pass.
    const res = await api.post('/v1/hosts', sshHost('mismatch', { hostKeyFingerprint: undefined }))
    expect(res.status).toBe(409)
    expect(res.json.error.code).toBe('host_key_mismatch')
    rmSync(knownHostsFile())
  })

  it('reports a probe of a closed SSH port as host_unreachable (502)', async () => {
    const res = await api.post('/v1/hosts/probe', { ssh: { host: '127.0.0.1', port: 1 } })
    expect(res.status).toBe(502)
    expect(res.json.error.code).toBe('host_unreachable')
  })
})
