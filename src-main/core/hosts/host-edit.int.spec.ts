import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Server } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { testbedEnv, testbedSshHost, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { addTestbedHost } from '../../../e2e/fixtures/testbed-host'
import { blobOfPublicKeyLine, fingerprintOfKeyBlob } from '../../infra/ssh/fingerprint'
import { LoopbackProxy } from '../../infra/ssh/loopback-proxy'
import { ed25519KeyPair } from '../../../e2e/fixtures/ssh-keys'

/** Editing hosts (`PATCH /v1/hosts/:id`) and trying them again (`POST /v1/hosts/:id/retry`) against the test bed. */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string
let scratch: string

/** The shared client has no PATCH; this is the same request with that method. */
async function patch(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(serve.url + path, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${serve.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: await res.json() }
}

const getHost = async (id: string) => (await api.get(`/v1/hosts/${id}`)).json
const stateOf = async (id: string, state: string, timeoutMs = 20_000) =>
  eventually(
    async () => {
      const host = await getHost(id)
      return host.state === state && host
    },
    timeoutMs,
    `host ${state}`,
  )

beforeAll(async () => {
  env = testbedEnv()
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  hostId = await addTestbedHost(serve, env)
  scratch = mkdtempSync(join(tmpdir(), 'gd-edit-'))
})

afterAll(async () => {
  await serve?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

describe('editing a host', () => {
  it('renames it and replaces its labels without cutting its link', async () => {
    const res = await patch(`/v1/hosts/${hostId}`, { name: 'renamed', labels: { env: 'prod', 'team/owner': 'ops' } })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({
      name: 'renamed',
      labels: { env: 'prod', 'team/owner': 'ops' },
      state: 'connected',
    })
    expect(await getHost(hostId)).toMatchObject({ name: 'renamed', labels: { env: 'prod', 'team/owner': 'ops' } })
    const relabelled = await patch(`/v1/hosts/${hostId}`, { labels: { env: 'staging' } })
    expect(relabelled.json.labels).toEqual({ env: 'staging' })
    expect((await api.get(`/v1/hosts/${hostId}/containers`)).status).toBe(200)
  })

  it('takes labels at creation, and refuses bad keys, long values and too many labels', async () => {
    const local = await api.post('/v1/hosts', { name: 'labelled', socketPath: env.dockerSocket, labels: { a: '1' } })
    expect(local.status).toBe(201)
    expect(local.json.labels).toEqual({ a: '1' })
    const bad = await patch(`/v1/hosts/${local.json.id}`, { labels: { 'Not OK': 'x' } })
    expect(bad.json.error).toMatchObject({ code: 'validation', field: 'labels.Not OK' })
    const long = await patch(`/v1/hosts/${local.json.id}`, { labels: { a: 'x'.repeat(257) } })
    expect(long.json.error).toMatchObject({ code: 'validation', field: 'labels.a' })
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']))
    expect((await patch(`/v1/hosts/${local.json.id}`, { labels: many })).json.error.code).toBe('validation')
    expect((await getHost(local.json.id)).labels).toEqual({ a: '1' })
    expect((await api.delete(`/v1/hosts/${local.json.id}`)).status).toBe(204)
  })

  it('keeps names unique, whatever their case (409), and lets a host change the case of its own', async () => {
    const other = await api.post('/v1/hosts', { name: 'Other', socketPath: env.dockerSocket })
    const taken = await patch(`/v1/hosts/${hostId}`, { name: 'other' })
    expect(taken.status).toBe(409)
    expect(taken.json.error).toMatchObject({ code: 'conflict', field: 'name' })
    expect((await patch(`/v1/hosts/${other.json.id}`, { name: 'OTHER' })).json.name).toBe('OTHER')
    expect((await api.delete(`/v1/hosts/${other.json.id}`)).status).toBe(204)
  })

  it('fails with ssh_auth_failed after a wrong user name, and connects again once it is put back', async () => {
    const wrong = await patch(`/v1/hosts/${hostId}`, { ssh: { username: 'nobody' } })
    expect(wrong.status).toBe(200)
    expect(wrong.json.ssh.username).toBe('nobody')
    const failed = await stateOf(hostId, 'failed')
    expect(failed.failure).toMatchObject({ code: 'ssh_auth_failed', message: expect.stringContaining('nobody') })
    const denied = await api.get(`/v1/hosts/${hostId}/containers`)
    expect(denied.json.error.code).toBe('ssh_auth_failed')
    expect((await patch(`/v1/hosts/${hostId}`, { ssh: { username: env.sshUser } })).status).toBe(200)
    await stateOf(hostId, 'connected')
  })

  it('refuses a bad key path with 400 and changes nothing, the other fields of the request included', async () => {
    const before = await getHost(hostId)
    for (const privateKeyPath of ['/dev/zero', '/no/such/key', `${env.clientKey}.pub`]) {
      const res = await patch(`/v1/hosts/${hostId}`, { name: 'never', ssh: { username: 'nobody', privateKeyPath } })
      expect(res.status).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field: 'ssh.privateKeyPath' })
    }
    expect(await getHost(hostId)).toEqual(before)
  })

  it('replaces the credential with a new one and keeps it when none is given', async () => {
    const pasted = await patch(`/v1/hosts/${hostId}`, { ssh: { privateKey: readFileSync(env.clientKeyRsa, 'utf8') } })
    expect(pasted.json.ssh).toMatchObject({ auth: 'privateKey', privateKeyPath: null })
    await stateOf(hostId, 'connected')
    const renamed = await patch(`/v1/hosts/${hostId}`, { ssh: { username: env.sshUser } })
    expect(renamed.json.ssh.auth).toBe('privateKey')
    const back = await patch(`/v1/hosts/${hostId}`, {
      ssh: { privateKeyPath: env.clientKeyEncrypted, passphrase: env.clientKeyPassphrase },
    })
    expect(back.json.ssh).toMatchObject({ auth: 'privateKeyPath', privateKeyPath: env.clientKeyEncrypted })
    await stateOf(hostId, 'connected')
  })

  it('refuses SSH settings for a local host', async () => {
    const local = await api.post('/v1/hosts', { name: 'plain-local', socketPath: env.dockerSocket })
    const res = await patch(`/v1/hosts/${local.json.id}`, { ssh: { host: env.sshHost } })
    expect(res.json.error).toMatchObject({ code: 'validation', field: 'ssh' })
    expect((await api.delete(`/v1/hosts/${local.json.id}`)).status).toBe(204)
  })
})

describe('moving a host to another address', () => {
  const otherKey = ed25519KeyPair()
  const otherFingerprint = fingerprintOfKeyBlob(blobOfPublicKeyLine(otherKey.public))
  let other: Server
  let otherPort: number

  beforeAll(async () => {
    // Another SSH server with its own key, which refuses everyone.
    other = new Server({ hostKeys: [otherKey.private] }, (client) => {
      client.on('authentication', (ctx) => ctx.reject())
      client.on('error', () => undefined)
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    otherPort = (other.address() as AddressInfo).port
  })

  afterAll(() => other?.close())

  it('needs the key the server at the new port presents, and stores nothing until it is given', async () => {
    const before = await getHost(hostId)
    const unconfirmed = await patch(`/v1/hosts/${hostId}`, { ssh: { port: otherPort } })
    expect(unconfirmed.status).toBe(400)
    expect(unconfirmed.json.error).toMatchObject({ code: 'validation', field: 'ssh.hostKeyFingerprint' })
    expect(unconfirmed.json.error.message).toContain(otherFingerprint)
    const oldKey = await patch(`/v1/hosts/${hostId}`, {
      ssh: { port: otherPort, hostKeyFingerprint: env.hostKeyFingerprint },
    })
    expect(oldKey.status).toBe(409)
    expect(oldKey.json.error).toMatchObject({ code: 'host_key_mismatch', field: 'ssh.hostKeyFingerprint' })
    expect(await getHost(hostId)).toEqual(before)

    const moved = await patch(`/v1/hosts/${hostId}`, { ssh: { port: otherPort, hostKeyFingerprint: otherFingerprint } })
    expect(moved.status).toBe(200)
    expect(moved.json.ssh).toMatchObject({ port: otherPort, hostKeyFingerprint: otherFingerprint })
    expect((await stateOf(hostId, 'failed')).failure.code).toBe('ssh_auth_failed')

    const home = await patch(`/v1/hosts/${hostId}`, {
      ssh: { port: env.sshPort, hostKeyFingerprint: env.hostKeyFingerprint },
    })
    expect(home.status).toBe(200)
    await stateOf(hostId, 'connected')
  })

  it('reports a closed SSH port as host_unreachable, on the host and on requests to it', async () => {
    const proxy = await LoopbackProxy.start(env.sshPort, env.sshHost)
    const created = await api.post('/v1/hosts', {
      ...testbedSshHost(env, 'behind-proxy'),
      ssh: { ...(testbedSshHost(env).ssh as object), port: proxy.port },
    })
    expect(created.status, JSON.stringify(created.json)).toBe(201)
    await stateOf(created.json.id, 'connected')
    await proxy.close()
    const down = await stateOf(created.json.id, 'reconnecting')
    expect(down.failure).toMatchObject({ code: 'host_unreachable' })
    await eventually(async () => /connection refused/.test((await getHost(created.json.id)).failure?.message ?? ''))
    const res = await api.get(`/v1/hosts/${created.json.id}/containers`)
    expect(res.status).toBe(502)
    expect(res.json.error.code).toBe('host_unreachable')
    expect((await api.delete(`/v1/hosts/${created.json.id}`)).status).toBe(204)
  })
})

describe('retrying a host', () => {
  it('gives up on a local socket that does not exist within seconds, and tries again when asked', async () => {
    const socketPath = join(scratch, 'docker.sock')
    const created = await api.post('/v1/hosts', { name: 'missing-socket', socketPath })
    expect(created.status).toBe(201)
    const started = Date.now()
    const failed = await stateOf(created.json.id, 'failed', 10_000)
    expect(Date.now() - started).toBeLessThan(6_000)
    expect(failed).toMatchObject({
      nextRetryAt: null,
      failure: { code: 'docker_unreachable', message: `The Docker socket ${socketPath} does not exist` },
    })
    const res = await api.get(`/v1/hosts/${created.json.id}/containers`)
    expect(res.json.error).toMatchObject({
      code: 'docker_unreachable',
      message: expect.stringMatching(/does not exist/),
    })

    // Once failed it stays failed, even after the socket appears, until someone asks for a retry.
    symlinkSync(env.dockerSocket, socketPath)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect((await getHost(created.json.id)).state).toBe('failed')
    const retried = await api.post(`/v1/hosts/${created.json.id}/retry`)
    expect(retried.status).toBe(200)
    expect(['connecting', 'connected']).toContain(retried.json.state)
    await stateOf(created.json.id, 'connected')
    expect((await api.delete(`/v1/hosts/${created.json.id}`)).status).toBe(204)
  })

  it('is open to deployers but not to viewers, and answers a connected host as it is', async () => {
    const viewer = apiClient(serve.url, (await api.post('/v1/tokens', { name: 'v', role: 'viewer' })).json.token)
    const deployer = apiClient(serve.url, (await api.post('/v1/tokens', { name: 'd', role: 'deployer' })).json.token)
    expect((await viewer.post(`/v1/hosts/${hostId}/retry`)).status).toBe(403)
    expect((await deployer.post(`/v1/hosts/${hostId}/retry`)).json.state).toBe('connected')
    expect((await api.post('/v1/hosts/zzzzzzzzzzzz/retry')).status).toBe(404)
  })

  it('starts a failed SSH host over once the cause is fixed, reading its key file again', async () => {
    const link = join(scratch, 'key-link')
    symlinkSync(env.clientKey, link)
    const body = testbedSshHost(env, 'linked') as { ssh: Record<string, unknown> }
    const created = await api.post('/v1/hosts', { ...body, ssh: { ...body.ssh, privateKeyPath: link } })
    expect(created.status).toBe(201)
    await stateOf(created.json.id, 'connected')
    expect(await serve.stop()).toBe(0)
    rmSync(link)
    symlinkSync('/dev/zero', link)
    serve = await startServe({ dataDir: serve.dataDir })
    api = apiClient(serve.url, serve.adminToken)
    expect((await stateOf(created.json.id, 'failed')).failure.code).toBe('ssh_auth_failed')

    rmSync(link)
    symlinkSync(env.clientKey, link)
    expect((await api.post(`/v1/hosts/${created.json.id}/retry`)).status).toBe(200)
    await stateOf(created.json.id, 'connected')
  })
})
