import { request as httpRequest } from 'node:http'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe, type ServeProcess } from '../../e2e/fixtures/serve-process'

let serve: ServeProcess

/** The secret part of `gdt_<id>_<secret>` (the secret itself may contain `_`). */
const secretOf = (token: string): string => /^gdt_[a-z0-9]{12}_(.{43})$/.exec(token)![1]!

const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const headers = new Headers(init.headers)
  const token = init.token === undefined ? serve.adminToken : init.token
  if (token) headers.set('Authorization', `Bearer ${token}`)
  if (init.body) headers.set('Content-Type', 'application/json')
  return fetch(serve.url + path, { ...init, headers })
}

const createToken = async (name: string, role: string, token?: string) => {
  const res = await api('/v1/tokens', { method: 'POST', body: JSON.stringify({ name, role }), token })
  return { res, body: (await res.json()) as { id: string; token: string; error?: { code: string } } }
}

/** fetch() will not send a forged Host header; a raw request will. */
function rawGet(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: serve.port, path, headers: { Host: host } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  serve = await startServe()
})
afterAll(async () => {
  await serve?.stop()
})

describe('REST API', () => {
  it('answers health without a token', async () => {
    const res = await api('/v1/health', { token: null })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', version: expect.any(String) })
  })

  it('answers /v1/system for any valid token', async () => {
    const res = await api('/v1/system')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      dataDir: serve.dataDir,
      mode: 'headless',
      uptimeSeconds: expect.any(Number),
    })
  })

  it('returns 401 for a missing, wrong, or malformed token, and for a token outside the Authorization header', async () => {
    const cases: [string, RequestInit & { token?: string | null }][] = [
      ['/v1/system', { token: null }],
      ['/v1/system', { token: 'gdt_aaaaaaaaaaaa_' + 'A'.repeat(43) }],
      ['/v1/system', { token: serve.adminToken.slice(0, -1) }],
      [`/v1/system?token=${serve.adminToken}`, { token: null }],
      [`/v1/system?access_token=${serve.adminToken}`, { token: null }],
      ['/v1/system', { token: null, headers: { Cookie: `token=${serve.adminToken}` } }],
      [
        '/v1/system',
        { token: null, headers: { Authorization: `Basic ${Buffer.from(`x:${serve.adminToken}`).toString('base64')}` } },
      ],
    ]
    for (const [path, init] of cases) {
      const res = await api(path, init)
      expect(res.status, path).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer')
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } })
    }
  })

  it('creates a token once-visible, lists tokens without secrets, and revokes it so it gets 401', async () => {
    const { res, body } = await createToken('automation', 'deployer')
    expect(res.status).toBe(201)
    expect(body.token).toMatch(/^gdt_/)
    const listRes = await api('/v1/tokens')
    const listText = await listRes.text()
    expect(listText).not.toContain(secretOf(body.token))
    expect(JSON.parse(listText)).toContainEqual(
      expect.objectContaining({ id: body.id, name: 'automation', role: 'deployer' }),
    )
    expect((await api('/v1/system', { token: body.token })).status).toBe(200)

    const del = await api(`/v1/tokens/${body.id}`, { method: 'DELETE' })
    expect(del.status).toBe(204)
    expect((await api('/v1/system', { token: body.token })).status).toBe(401)
    expect((await api(`/v1/tokens/${body.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('checks roles on every route: 403 for a viewer creating a token, and for a deployer listing them', async () => {
    const viewer = await createToken('viewer', 'viewer')
    const deployer = await createToken('deployer', 'deployer')
    const denied = await createToken('escalate', 'admin', viewer.body.token)
    expect(denied.res.status).toBe(403)
    expect(denied.body.error).toMatchObject({ code: 'forbidden' })
    expect((await api('/v1/tokens', { token: deployer.body.token })).status).toBe(403)
    expect((await api(`/v1/tokens/${viewer.body.id}`, { method: 'DELETE', token: viewer.body.token })).status).toBe(403)
    expect((await api('/v1/system', { token: viewer.body.token })).status).toBe(200)
  })

  it('returns 421 for a Host header that is not this server (DNS rebinding)', async () => {
    expect((await rawGet('/v1/health', 'evil.example')).status).toBe(421)
    expect((await rawGet('/', `evil.example:${serve.port}`)).status).toBe(421)
    expect((await rawGet('/v1/health', `localhost:${serve.port}`)).status).toBe(200)
    expect((await rawGet('/v1/health', `127.0.0.1:${serve.port}`)).status).toBe(200)
  })

  it('answers bad input with a JSON error naming the field and never a stack trace', async () => {
    const bad = await createToken('', 'viewer')
    expect(bad.res.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'validation', field: 'name' })
    const notJson = await api('/v1/tokens', {
      method: 'POST',
      body: '{"name":',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(notJson.status).toBe(400)
    const text = await notJson.text()
    expect(JSON.parse(text)).toEqual({ error: { code: 'validation', message: 'Request body is not valid JSON' } })
    expect(text).not.toMatch(/\bat \S+:\d+/)
    const formPost = await fetch(serve.url + '/v1/tokens', {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.adminToken}`, 'Content-Type': 'text/plain' },
      body: '{"name":"x","role":"admin"}',
    })
    expect(formPost.status).toBe(415)
    expect(await formPost.json()).toMatchObject({ error: { code: 'unsupported_media_type' } })
    expect((await api('/v1/nope')).status).toBe(404)
  })

  it('sends no CORS headers, even to a cross-origin request', async () => {
    const res = await api('/v1/system', { headers: { Origin: 'https://evil.example' } })
    expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([])
    const preflight = await api('/v1/tokens', { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('serves the renderer at / with a strict Content-Security-Policy', async () => {
    const res = await fetch(serve.url + '/')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<div id="root">')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    const traversal = await rawGet('/../../etc/passwd', `127.0.0.1:${serve.port}`)
    expect(traversal.body).not.toContain('root:')
  })

  it('keeps no raw token in any file of the data dir except the first admin token in admin-token', async () => {
    const created = await Promise.all([createToken('disk-a', 'viewer'), createToken('disk-b', 'admin')])
    const secrets = created.map((c) => secretOf(c.body.token))
    const adminSecret = secretOf(serve.adminToken)
    const files = readdirSync(serve.dataDir).filter((f) => statSync(join(serve.dataDir, f)).isFile())
    expect(files).toEqual(expect.arrayContaining(['glinrdock.db', 'admin-token']))
    for (const file of files) {
      const bytes = readFileSync(join(serve.dataDir, file))
      for (const secret of secrets) expect(bytes.includes(secret), `${file} holds a token`).toBe(false)
      if (file !== 'admin-token') expect(bytes.includes(adminSecret), `${file} holds the admin token`).toBe(false)
    }
    expect(statSync(join(serve.dataDir, 'admin-token')).mode & 0o777).toBe(0o600)
  })
})
