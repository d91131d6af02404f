import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'

/** Registry logins over REST (`/v1/registries`), against the built headless server. */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>

beforeAll(async () => {
  env = testbedEnv()
  // The most verbose level: whatever any layer logs about these requests must still hold no password.
  serve = await startServe({ env: { GLINRDOCK_LOG_LEVEL: 'trace' } })
  api = apiClient(serve.url, serve.adminToken)
})

afterAll(async () => {
  await serve?.stop()
})

/** Every file under the data dir (database, WAL, key file, token file), as bytes. */
function dataDirFiles(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    const stat = statSync(path)
    if (stat.isDirectory()) return dataDirFiles(path)
    return stat.isFile() ? [{ path, bytes: readFileSync(path) }] : []
  })
}

describe('registry logins over REST', () => {
  it('creates, lists and removes a login, answering with the normalized server and no password', async () => {
    const created = await api.post('/v1/registries', {
      server: 'Registry.Example.com:5000',
      username: 'ci',
      password: 'first-secret',
    })
    expect(created.status, created.text).toBe(201)
    expect(created.json).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{12}$/),
      server: 'registry.example.com:5000',
      username: 'ci',
      createdAt: expect.any(String),
    })
    const list = await api.get('/v1/registries')
    expect(list.status).toBe(200)
    expect(list.json).toEqual([created.json])
    expect((await api.delete(`/v1/registries/${created.json.id}`)).status).toBe(204)
    expect((await api.get('/v1/registries')).json).toEqual([])
    const again = await api.delete(`/v1/registries/${created.json.id}`)
    expect(again.status).toBe(404)
    expect(again.json.error.code).toBe('not_found')
  })

  it('refuses a second login for the same server, whichever spelling of it is used', async () => {
    const hub = await api.post('/v1/registries', { server: 'docker.io', username: 'me', password: 'pw-hub' })
    expect(hub.status).toBe(201)
    for (const server of ['index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/', 'DOCKER.IO']) {
      const dup = await api.post('/v1/registries', { server, username: 'other', password: 'pw' })
      expect(dup.status, server).toBe(409)
      expect(dup.json.error).toMatchObject({ code: 'conflict', field: 'server' })
      expect(dup.json.error.message).toContain('docker.io')
    }
    expect((await api.get('/v1/registries')).json.map((r: { username: string }) => r.username)).toEqual(['me'])
    expect((await api.delete(`/v1/registries/${hub.json.id}`)).status).toBe(204)
  })

  it('refuses hostile server names and malformed bodies with 400 naming the field', async () => {
    const servers = [
      'not a host',
      'evil.com\r\nX-Injected: 1',
      'evil.com/../../v1/tokens',
      'registry.example.com:99999',
      'myregistry',
      '-x.com',
      '[::1]:5000',
      'a'.repeat(400),
      '',
    ]
    for (const server of servers) {
      const res = await api.post('/v1/registries', { server, username: 'u', password: 'p' })
      expect(res.status, JSON.stringify(server)).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field: 'server' })
    }
    const bodies: [unknown, string][] = [
      [{ server: 42, username: 'u', password: 'p' }, 'server'],
      [{ server: 'ghcr.io', username: 'a:b', password: 'p' }, 'username'],
      [{ server: 'ghcr.io', username: 'u', password: '' }, 'password'],
      [{ server: 'ghcr.io', username: 'u' }, 'password'],
      [{ server: 'ghcr.io', username: 'u', password: 'p', sealedPassword: 'x' }, ''],
    ]
    for (const [body, field] of bodies) {
      const res = await api.post('/v1/registries', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.json.error.code).toBe('validation')
      if (field) expect(res.json.error.field).toBe(field)
    }
    expect((await api.delete('/v1/registries/..%2Fhosts')).status).toBe(400)
    expect((await api.get('/v1/registries')).json).toEqual([])
  })

  it('lets a viewer list logins but only an admin create or remove them', async () => {
    const viewer = (await api.post('/v1/tokens', { name: 'registry viewer', role: 'viewer' })).json.token as string
    const deployer = (await api.post('/v1/tokens', { name: 'registry deployer', role: 'deployer' })).json.token
    const asViewer = apiClient(serve.url, viewer)
    expect((await asViewer.get('/v1/registries')).status).toBe(200)
    const body = { server: 'ghcr.io', username: 'u', password: 'p' }
    expect((await asViewer.post('/v1/registries', body)).status).toBe(403)
    expect((await apiClient(serve.url, deployer).post('/v1/registries', body)).status).toBe(403)
    const created = await api.post('/v1/registries', body)
    expect((await apiClient(serve.url, deployer).delete(`/v1/registries/${created.json.id}`)).status).toBe(403)
    expect((await api.delete(`/v1/registries/${created.json.id}`)).status).toBe(204)
  })

  it('never returns the password, and never writes it in clear to the data dir or the log', async () => {
    const password = env.registryPassword
    const res = await api.post('/v1/registries', {
      server: env.registryAddress,
      username: env.registryUser,
      password,
    })
    expect(res.status, res.text).toBe(201)
    expect(res.text).not.toContain(password)
    // A refused body that carries the password must not echo or log it either.
    const refused = await api.post('/v1/registries', { server: env.registryAddress, username: 'x', password })
    expect(refused.status).toBe(409)
    const invalid = await api.post('/v1/registries', { server: 'bad host', username: 'x', password })
    expect(invalid.status).toBe(400)
    for (const answer of [refused.text, invalid.text, (await api.get('/v1/registries')).text]) {
      expect(answer).not.toContain(password)
    }
    const needle = Buffer.from(password, 'utf8')
    const files = dataDirFiles(serve.dataDir)
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining([join(serve.dataDir, 'glinrdock.db-wal')]))
    for (const file of files) expect(file.bytes.includes(needle), file.path).toBe(false)
    expect(serve.output()).not.toContain(password)
    expect((await api.delete(`/v1/registries/${res.json.id}`)).status).toBe(204)
    expect(serve.output()).not.toContain(password)
  })
})
