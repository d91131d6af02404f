import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { dockerCli, testbedEnv, testbedSshHost, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'

/** "Test connection" (`POST /v1/hosts/test`) against the test bed's sshd and dockerd. */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>

const body = (ssh: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
  const base = testbedSshHost(env) as { socketPath: string; ssh: Record<string, unknown> }
  return { socketPath: base.socketPath, ssh: { ...base.ssh, ...ssh }, ...extra }
}
const runTest = async (input: unknown) => {
  const res = await api.post('/v1/hosts/test', input)
  expect(res.status, res.text).toBe(200)
  return res.json as TestResult
}
interface TestResult {
  ok: boolean
  steps: { step: string; status: string; message: string; code?: string }[]
  engine: { version: string } | null
  hostKeyFingerprint: string | null
  keyType: string | null
}
const statuses = (result: TestResult) => result.steps.map((s) => `${s.step}:${s.status}`)
const failedStep = (result: TestResult) => result.steps.find((s) => s.status === 'failed')

/** TCP connections the server process holds to the test bed's sshd right now. */
const sshConnections = (): number =>
  execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${env.sshPort} )`], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`pid=${serve.process.pid},`)).length

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

beforeAll(async () => {
  env = testbedEnv()
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
})

afterAll(async () => {
  await serve?.stop()
})

describe('testing a connection before saving', () => {
  it('passes all four steps against the test bed, reports the engine, and leaves nothing stored or open', async () => {
    const before = (await api.get('/v1/hosts')).json
    const result = await runTest(body())
    expect(result.ok).toBe(true)
    expect(statuses(result)).toEqual(['tcp:ok', 'hostKey:ok', 'auth:ok', 'engine:ok'])
    expect(result.engine?.version).toBe(dockerCli(env, ['version', '--format', '{{.Server.Version}}']))
    expect(result).toMatchObject({ hostKeyFingerprint: env.hostKeyFingerprint, keyType: 'ssh-ed25519' })
    expect((await api.get('/v1/hosts')).json).toEqual(before)
    await eventually(async () => sshConnections() === 0, 5_000, 'no SSH connection left')
  })

  it('fails at tcp with host_unreachable when the SSH port is closed', async () => {
    const result = await runTest(body({ port: await closedPort() }))
    expect(result.ok).toBe(false)
    expect(statuses(result)).toEqual(['tcp:failed', 'hostKey:skipped', 'auth:skipped', 'engine:skipped'])
    expect(failedStep(result)).toMatchObject({
      code: 'host_unreachable',
      message: expect.stringMatching(/^The SSH port \d+ on 127\.0\.0\.1 is closed \(connection refused\)$/),
    })
  })

  it('fails at hostKey with host_key_mismatch for another fingerprint, and still shows the one presented', async () => {
    const wrong = 'SHA256:' + 'A'.repeat(43)
    const result = await runTest(body({ hostKeyFingerprint: wrong }))
    expect(statuses(result)).toEqual(['tcp:ok', 'hostKey:failed', 'auth:skipped', 'engine:skipped'])
    expect(failedStep(result)).toMatchObject({
      code: 'host_key_mismatch',
      message: `The server's key ${env.hostKeyFingerprint} is not the one you confirmed (${wrong})`,
    })
    expect(result.hostKeyFingerprint).toBe(env.hostKeyFingerprint)
    const unconfirmed = await runTest(body({ hostKeyFingerprint: undefined }))
    expect(failedStep(unconfirmed)).toMatchObject({ step: 'hostKey', code: 'validation' })
    expect(unconfirmed.hostKeyFingerprint).toBe(env.hostKeyFingerprint)
  })

  it.each<[string, () => Record<string, unknown>, () => string]>([
    ['a user the server does not know', () => ({ username: 'nobody' }), () => 'nobody'],
    ['a key the server does not know', () => ({ privateKeyPath: freshKey() }), () => env.sshUser],
  ])('fails at auth with ssh_auth_failed for %s', async (_name, ssh, user) => {
    const result = await runTest(body(ssh()))
    expect(statuses(result)).toEqual(['tcp:ok', 'hostKey:ok', 'auth:failed', 'engine:skipped'])
    expect(failedStep(result)).toMatchObject({
      code: 'ssh_auth_failed',
      message: expect.stringMatching(new RegExp(`^The server refused the credentials for user ${user()}\\b`)),
    })
  })

  it('fails at auth with validation for a key file that is not a key, before sending anything', async () => {
    const result = await runTest(body({ privateKeyPath: '/dev/zero' }))
    expect(failedStep(result)).toMatchObject({ step: 'auth', code: 'validation' })
    expect(failedStep(result)?.message).toMatch(/not a regular file/)
  })

  it('fails at engine with docker_unreachable for a remote socket path that does not exist', async () => {
    const result = await runTest(body({}, { socketPath: '/run/nothing-here/docker.sock' }))
    expect(statuses(result)).toEqual(['tcp:ok', 'hostKey:ok', 'auth:ok', 'engine:failed'])
    expect(failedStep(result)).toMatchObject({
      code: 'docker_unreachable',
      message: expect.stringMatching(
        /^The Docker socket \/run\/nothing-here\/docker\.sock does not exist on the server/,
      ),
    })
    expect(result.engine).toBeNull()
  })

  it('tests a local socket with the engine step only', async () => {
    const good = await runTest({ socketPath: env.dockerSocket })
    expect(statuses(good)).toEqual(['tcp:skipped', 'hostKey:skipped', 'auth:skipped', 'engine:ok'])
    expect(good.ok).toBe(true)
    const missing = await runTest({ name: 'x', socketPath: '/nonexistent/docker.sock' })
    expect(failedStep(missing)).toMatchObject({
      step: 'engine',
      code: 'docker_unreachable',
      message: 'The Docker socket /nonexistent/docker.sock does not exist',
    })
  })

  it('refuses what create would refuse at the boundary, and is for admins only', async () => {
    const incomplete = await api.post('/v1/hosts/test', { ssh: { host: env.sshHost } })
    expect(incomplete.status).toBe(400)
    expect(incomplete.json.error).toMatchObject({ code: 'validation', field: 'ssh.username' })
    const viewer = apiClient(serve.url, (await api.post('/v1/tokens', { name: 'v', role: 'viewer' })).json.token)
    expect((await viewer.post('/v1/hosts/test', body())).status).toBe(403)
  })
})

describe('testing an edit of a stored host', () => {
  let hostId: string

  beforeAll(async () => {
    // A pasted key: it exists only sealed in the store, so a passing test proves the stored secret was used.
    const created = await api.post('/v1/hosts', {
      ...body({ privateKeyPath: undefined, privateKey: readFileSync(env.clientKey, 'utf8') }),
      name: 'stored',
    })
    expect(created.status, created.text).toBe(201)
    hostId = created.json.id
    await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  })

  it('fills what is not given from the stored host, its sealed key included', async () => {
    const result = await runTest({ id: hostId })
    expect(statuses(result)).toEqual(['tcp:ok', 'hostKey:ok', 'auth:ok', 'engine:ok'])
  })

  it('tests the changed fields over the stored ones, and stores none of them', async () => {
    const before = (await api.get(`/v1/hosts/${hostId}`)).json
    expect(failedStep(await runTest({ id: hostId, ssh: { username: 'nobody' } }))?.step).toBe('auth')
    expect(failedStep(await runTest({ id: hostId, socketPath: '/run/nothing-here/docker.sock' }))?.step).toBe('engine')
    const moved = await runTest({ id: hostId, ssh: { port: await closedPort() } })
    expect(failedStep(moved)).toMatchObject({ step: 'tcp', code: 'host_unreachable' })
    expect((await api.get(`/v1/hosts/${hostId}`)).json).toMatchObject({
      name: before.name,
      socketPath: before.socketPath,
      ssh: before.ssh,
    })
    // The stored host's own link is the only one left.
    await eventually(async () => sshConnections() === 1, 5_000, 'only the stored link')
  })

  it('refuses SSH settings for a stored local host, and an unknown id', async () => {
    const local = await api.post('/v1/hosts', { name: 'local', socketPath: env.dockerSocket })
    const res = await api.post('/v1/hosts/test', { id: local.json.id, ssh: { username: 'x' } })
    expect(res.json.error).toMatchObject({ code: 'validation', field: 'ssh' })
    expect((await runTest({ id: local.json.id })).ok).toBe(true)
    expect((await api.post('/v1/hosts/test', { id: 'zzzzzzzzzzzz' })).status).toBe(404)
  })
})

function freshKey(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gd-key-')), 'stranger')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  return file
}
