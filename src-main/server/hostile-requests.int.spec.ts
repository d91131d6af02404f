import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../e2e/fixtures/api-client'
import { rawGet, rawRequest } from '../../e2e/fixtures/raw-http'
import { rawWebSocket } from '../../e2e/fixtures/raw-ws'
import { startServe, type ServeProcess } from '../../e2e/fixtures/serve-process'
import { testbedEnv, testContainers, type TestbedEnv } from '../../e2e/fixtures/testbed-env'
import { wsClient } from '../../e2e/fixtures/ws-client'

/**
 * Each case here once stopped the process or answered 500 (issue "Hardening"). Every test ends by
 * checking that the same server still answers, which is the property that matters.
 */
let env: TestbedEnv
let serve: ServeProcess
let admin: ReturnType<typeof apiClient>
let hostId: string
let viewerToken: string
let containers: ReturnType<typeof testContainers>

const alive = async (): Promise<void> => {
  expect(serve.process.exitCode, serve.output()).toBeNull()
  const res = await fetch(`${serve.url}/v1/health`)
  expect(res.status).toBe(200)
}

const tokenCount = async (): Promise<number> => ((await admin.get('/v1/tokens')).json as unknown[]).length

beforeAll(async () => {
  env = testbedEnv()
  containers = testContainers(env)
  serve = await startServe()
  admin = apiClient(serve.url, serve.adminToken)
  const host = await admin.post('/v1/hosts', { name: 'local', socketPath: env.dockerSocket })
  hostId = host.json.id
  await eventually(async () => (await admin.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  viewerToken = (await admin.post('/v1/tokens', { name: 'viewer', role: 'viewer' })).json.token
})

afterAll(async () => {
  containers?.removeAll()
  await serve?.stop()
})

describe('request targets and paths', () => {
  it.each(['/%', '/%zz', '/%E0%A4%A', '/%c0%ae%c0%ae/etc/passwd', '/%ff', '/assets/%'])(
    'answers the malformed escape %s with 400, unauthenticated, and keeps serving',
    async (path) => {
      const res = await rawGet(serve.port, path)
      expect(res.status).toBe(400)
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'validation' } })
      await alive()
    },
  )

  it.each(['http://[/', 'http://999.999.999.999/', 'http://a:99999/', 'http://%zz/', 'http://evil.example/v1/system'])(
    'refuses the absolute request target %s with 400, for requests and WebSocket upgrades',
    async (target) => {
      expect((await rawGet(serve.port, target)).status).toBe(400)
      const upgrade = await rawRequest(
        serve.port,
        [
          `GET ${target} HTTP/1.1`,
          `Host: 127.0.0.1:${serve.port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      )
      expect(upgrade.status).toBe(400)
      await alive()
    },
  )

  it('answers 401 before it parses any route parameter, and 400 (not 500) once authenticated', async () => {
    for (const [method, path] of [
      ['DELETE', '/v1/tokens/%'],
      ['GET', '/v1/hosts/%E0%A4%A'],
      ['GET', `/v1/hosts/${hostId}/containers/%c0%ae`],
    ] as const) {
      const anonymous = await fetch(serve.url + path, { method })
      expect(anonymous.status, `${method} ${path}`).toBe(401)
      const authenticated = await fetch(serve.url + path, {
        method,
        headers: { Authorization: `Bearer ${serve.adminToken}` },
      })
      expect(authenticated.status, `${method} ${path}`).toBe(400)
    }
    expect(serve.output()).not.toMatch(/unhandled error|URIError/)
    await alive()
  })

  it('refuses a request with two Host headers, even when the first is ours', async () => {
    const res = await rawGet(serve.port, '/v1/health', [`Host: 127.0.0.1:${serve.port}`, 'Host: evil.example'])
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error.message).toMatch(/one Host header/)
  })

  it('parses only application/json bodies (parameters allowed), and caps them at 1 MiB', async () => {
    const post = (contentType: string, body: string) =>
      fetch(`${serve.url}/v1/tokens`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${serve.adminToken}`, 'Content-Type': contentType },
        body,
      })
    const before = await tokenCount()
    const evil = await post('application/json-evil', '{"name":"evil","role":"admin"}')
    expect(evil.status).toBe(415)
    expect(await evil.json()).toMatchObject({ error: { code: 'unsupported_media_type' } })
    expect((await post('application/json; charset=utf-8', '{"name":"with-params","role":"viewer"}')).status).toBe(201)
    const huge = await post('application/json', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), role: 'viewer' }))
    expect(huge.status).toBe(413)
    const poisoned = await post('application/json', '{"name":"p","role":"viewer","__proto__":{"role":"admin"}}')
    expect(poisoned.status).toBe(400)
    expect(await tokenCount()).toBe(before + 1)
  })

  it('parses numbers in query strings strictly: an empty t is not an immediate kill, 0x10 is not 16', async () => {
    const id = containers.run('gd-hostile-strict', 'sleep 3600')
    for (const query of ['stop?t=', 'stop?t=0x10', 'stop?t=1e3', 'stop?t=-1']) {
      const res = await admin.post(`/v1/hosts/${hostId}/containers/${id}/${query}`)
      expect(res.status, query).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field: 'timeoutSeconds' })
    }
    const logs = await admin.get(`/v1/hosts/${hostId}/containers/${id}/logs?tail=0x10`)
    expect(logs.status).toBe(400)
    expect(logs.json.error.field).toBe('tail')
    const force = await fetch(`${serve.url}/v1/hosts/${hostId}/containers/${id}?force=yes`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${serve.adminToken}` },
    })
    expect(force.status).toBe(400)
    expect((await admin.get(`/v1/hosts/${hostId}/containers/${id}`)).json.State.Running).toBe(true)
  })
})

describe('container references', () => {
  it.each(['%2Fdoes-not-exist', '%2Fdoes-not-exist/logs'])(
    'answers a viewer asking for %s with a clean error, and keeps serving',
    async (path) => {
      const viewer = apiClient(serve.url, viewerToken)
      const res = await viewer.get(`/v1/hosts/${hostId}/containers/${path}`)
      expect(res.status).toBe(404)
      expect(res.json.error.code).toBe('not_found')
      await alive()
    },
  )

  it('refuses references the engine would redirect (// and ..), and strips only Docker’s own leading slash', async () => {
    const id = containers.run('gd-hostile-ref', 'sleep 3600')
    const viewer = apiClient(serve.url, viewerToken)
    expect((await viewer.get(`/v1/hosts/${hostId}/containers/%2Fgd-hostile-ref`)).json.Id).toBe(id)
    // fetch() would resolve `%2E%2E` as a dot-segment before sending it: these go out byte for byte.
    for (const ref of ['%2F%2Fgd-hostile-ref', '..%2F..%2Fversion', '%2E%2E', '.hidden', 'a%2Fb']) {
      const res = await rawGet(serve.port, `/v1/hosts/${hostId}/containers/${ref}`, [
        `Host: 127.0.0.1:${serve.port}`,
        `Authorization: Bearer ${viewerToken}`,
      ])
      expect(res.status, ref).toBe(400)
    }
    const stop = await admin.post(`/v1/hosts/${hostId}/containers/%2F%2Fx/stop?t=0`)
    expect(stop.status).toBe(400)
    await alive()
  })

  it('answers containers.inspect of "/x" over the WebSocket without stopping the server', async () => {
    const client = await wsClient(serve.url, viewerToken)
    try {
      expect(await client.request('containers.inspect', { hostId, containerId: '/x' })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      })
      expect(await client.request('containers.inspect', { hostId, containerId: '//x' })).toMatchObject({
        ok: false,
        error: { code: 'validation', field: 'containerId' },
      })
    } finally {
      client.close()
    }
    await alive()
  })
})

describe('tokens on open WebSockets', () => {
  it('cuts a socket the moment its token is revoked, even when the client ignores the close frame', async () => {
    const victim = (await admin.post('/v1/tokens', { name: 'to-revoke', role: 'admin' })).json
    const socket = await rawWebSocket(serve.port)
    socket.send(JSON.stringify({ type: 'auth', token: victim.token }))
    await eventually(async () => socket.texts.some((t) => t.includes('auth_ok')), 5_000, 'auth_ok')
    const before = await tokenCount()

    expect((await admin.delete(`/v1/tokens/${victim.id}`)).status).toBe(204)
    // Sent after the revocation, without waiting for or answering the close frame.
    socket.send(
      JSON.stringify({ type: 'request', id: 1, method: 'tokens.create', input: { name: 'x', role: 'admin' } }),
    )
    await Promise.race([socket.closed, new Promise((r) => setTimeout(r, 2_000))])
    expect(socket.isClosed()).toBe(true)
    expect(socket.texts.some((t) => t.includes('"type":"response"'))).toBe(false)
    expect(await tokenCount()).toBe(before - 1)
  })

  it('refuses more sockets per token than the limit, and answers the rest', async () => {
    const token = (await admin.post('/v1/tokens', { name: 'many-sockets', role: 'viewer' })).json.token
    const sockets = await Promise.all(Array.from({ length: 17 }, () => rawWebSocket(serve.port)))
    for (const socket of sockets) socket.send(JSON.stringify({ type: 'auth', token }))
    await eventually(async () => sockets.every((s) => s.texts.length > 0), 5_000, 'every socket answered')
    const refused = sockets.filter((s) => s.texts[0]!.includes('rate_limited'))
    expect(refused).toHaveLength(1)
    for (const socket of sockets) socket.destroy()
  })
})

describe('slow readers', () => {
  it('refuses a stream beyond the per-socket cap with rate_limited', async () => {
    const client = await wsClient(serve.url, viewerToken)
    try {
      const ids = Array.from({ length: 33 }, () => client.openStream('hosts.metrics', { hostId }))
      const refused = await client.next((m) => m.type === 'stream.end' && m.error?.code === 'rate_limited')
      expect(refused.id).toBe(ids[32])
    } finally {
      client.close()
    }
  })

  it('cuts a socket that stops reading while it acknowledges blindly, so flow control cannot be defeated', async () => {
    const id = containers.run(
      'gd-hostile-chatty',
      'i=0; while [ $i -lt 40000 ]; do echo "line $i padding padding padding"; i=$((i+1)); done; sleep 3600',
    )
    await eventually(
      async () => (await admin.get(`/v1/hosts/${hostId}/containers/${id}/logs?tail=1`)).text.includes('39999'),
      30_000,
      'the container wrote its lines',
    )
    const socket = await rawWebSocket(serve.port, { read: false })
    socket.send(JSON.stringify({ type: 'auth', token: viewerToken }))
    for (let i = 1; i <= 60; i++) {
      socket.send(
        JSON.stringify({
          type: 'stream.open',
          id: i,
          stream: 'containers.logs',
          params: { hostId, containerId: id, tail: 20000 },
        }),
      )
    }
    // Acknowledging without reading tells every stream to send on: only the socket's own cap is left.
    const blindAcks = setInterval(() => {
      for (let i = 1; i <= 32; i++) socket.send(JSON.stringify({ type: 'stream.ack', id: i, count: 1_000_000 }))
    }, 20)
    await Promise.race([socket.closed, new Promise((r) => setTimeout(r, 20_000))])
    clearInterval(blindAcks)
    expect(socket.isClosed(), 'the server cut the socket that never read').toBe(true)
    expect(serve.output()).toMatch(/client not reading: socket cut/)
    await alive()
  })
})

describe('request rate per token', () => {
  it('answers 429 with Retry-After past --rest-rate, counting per token, not per connection', async () => {
    const limited = await startServe({ args: ['--rest-rate', '30'] })
    try {
      const other = (await apiClient(limited.url, limited.adminToken).post('/v1/tokens', { name: 'b', role: 'viewer' }))
        .json
      const statuses: number[] = []
      for (let i = 0; i < 34; i++) {
        const res = await fetch(`${limited.url}/v1/system`, {
          headers: { Authorization: `Bearer ${limited.adminToken}` },
        })
        statuses.push(res.status)
        if (res.status === 429) {
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
          expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } })
        }
      }
      // One request went to creating the second token.
      expect(statuses.filter((s) => s === 200)).toHaveLength(29)
      expect(statuses.slice(29).every((s) => s === 429)).toBe(true)
      expect((await apiClient(limited.url, other.token).get('/v1/system')).status).toBe(200)
      expect((await fetch(`${limited.url}/v1/health`)).status).toBe(200)
    } finally {
      await limited.stop()
    }
  })
})
