import BetterSqlite3 from 'better-sqlite3'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { freePort } from '../../../e2e/fixtures/free-port'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { nginxImage, removeProxyObjects } from '../../../e2e/fixtures/testbed-proxy'

/**
 * Routes over REST on the real headless server, with the real proxy: a route makes the host's nginx send its
 * domain to the service's container, a removal stops it, the REST answers are the contract's, and a route the
 * proxy could not apply is not stored. Certificates: an order becomes a job (against a directory nothing answers).
 */
const PROXY_LABEL = 'io.glinrdock.proxy'
const suffix = Math.random().toString(36).slice(2, 8)
const PROXY_NAME = `gd-routes-proxy-${suffix}`
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let viewer: ReturnType<typeof apiClient>
let hostId: string
let projectId: string
let serviceId: string
let httpPort: number
let httpsPort: number

function rows(sql: string): unknown[] {
  const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
  try {
    return db.prepare(sql).all()
  } finally {
    db.close()
  }
}

/** GET through the proxy with the given Host (fetch cannot set one). */
/**
 * A fresh connection each time (`agent: false`): Node's global agent keeps connections alive, and nginx closes its
 * idle ones when it reloads, so a reused one can hang up on the next request ("socket hang up").
 */
function viaProxy(host: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: httpPort, path, headers: { Host: host }, agent: false }
    const req = httpRequest(options, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const ourProxies = (): string[] =>
  dockerCli(env, ['ps', '-a', '--filter', `label=${PROXY_LABEL}`, '--format', '{{.Names}}'])
    .split('\n')
    .filter((name) => name.startsWith(PROXY_NAME))

const jobOf = (id: string) =>
  eventually(
    async () => {
      const job = (await api.get(`/v1/jobs/${id}`)).json
      return ['succeeded', 'failed', 'canceled'].includes(job.status) && job
    },
    60_000,
    `job ${id}`,
  )

beforeAll(async () => {
  env = testbedEnv()
  serve = await startServe({ env: { GLINRDOCK_PROXY_NAME: PROXY_NAME, GLINRDOCK_PROXY_BIND: '127.0.0.1' } })
  api = apiClient(serve.url, serve.adminToken)
  viewer = apiClient(serve.url, (await api.post('/v1/tokens', { name: 'viewer', role: 'viewer' })).json.token)
  httpPort = await freePort()
  httpsPort = await freePort()
  const host = await api.post('/v1/hosts', {
    name: 'routes',
    socketPath: env.dockerSocket,
    proxy: { image: nginxImage(env), httpPort, httpsPort },
  })
  expect(host.status, host.text).toBe(201)
  hostId = host.json.id
  await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  // Orders go to a loopback port nothing answers on: none leaves this machine.
  expect((await api.put('/v1/settings', { acmeDirectoryUrl: 'https://127.0.0.1:1/directory' })).status).toBe(200)
  const project = await api.post('/v1/projects', { name: `gdroutes${suffix}`, hostId })
  expect(project.status, project.text).toBe(201)
  projectId = project.json.id
  const service = await api.post(`/v1/projects/${projectId}/services`, {
    name: 'web',
    image: env.busyboxImage,
    command: [
      'sh',
      '-c',
      `mkdir -p /www/api && echo "hello ${suffix}" > /www/index.html && echo "api ${suffix}" > /www/api/index.html && trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait`,
    ],
  })
  expect(service.status, service.text).toBe(201)
  serviceId = service.json.id
  const started = await api.post(`/v1/services/${serviceId}/start`)
  expect([200, 202], started.text).toContain(started.status)
  if (started.json.jobId) expect((await jobOf(started.json.jobId)).status).toBe('succeeded')
})

afterAll(async () => {
  if (projectId) await api.delete(`/v1/projects/${projectId}?force=true&volumes=true`)
  await serve?.stop()
  if (env) removeProxyObjects(env, PROXY_NAME)
})

describe('routes over REST', () => {
  let routeId: string

  it("creates a route that nginx serves: 201 with the contract's summary", async () => {
    const res = await api.post('/v1/routes', { serviceId, domain: `App-${suffix}.Example.com`, port: 8080 })
    expect(res.status, res.text).toBe(201)
    const domain = `app-${suffix}.example.com`
    expect(res.json).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{12}$/),
      hostId,
      projectId,
      projectName: `gdroutes${suffix}`,
      serviceId,
      serviceName: 'web',
      domain,
      displayDomain: domain,
      path: '/',
      port: 8080,
      tls: false,
      url: `http://${domain}:${httpPort}/`,
      createdAt: expect.any(String),
    })
    routeId = res.json.id
    const answer = await eventually(async () => {
      const r = await viaProxy(domain)
      return r.status === 200 && r
    })
    expect(answer.body.trim()).toBe(`hello ${suffix}`)
    expect(ourProxies()).toHaveLength(1)
  })

  it('lists and reads it for a viewer, filtered by host and service', async () => {
    const one = await viewer.get(`/v1/routes/${routeId}`)
    expect(one.status).toBe(200)
    expect((await viewer.get('/v1/routes')).json).toEqual([one.json])
    expect((await viewer.get(`/v1/routes?hostId=${hostId}`)).json).toEqual([one.json])
    expect((await viewer.get(`/v1/routes?serviceId=${serviceId}`)).json).toEqual([one.json])
    expect((await viewer.get(`/v1/routes?serviceId=${'z'.repeat(12)}`)).json).toEqual([])
    const bad = await viewer.get('/v1/routes?hostId=../x')
    expect(bad.json.error).toMatchObject({ code: 'validation', field: 'hostId' })
    expect((await viewer.get(`/v1/routes/${'z'.repeat(12)}`)).status).toBe(404)
    // A viewer reads; it does not route.
    expect((await viewer.post('/v1/routes', { serviceId, domain: 'viewer.example.com', port: 8080 })).status).toBe(403)
  })

  it('refuses the same domain and path on the host with 409, and takes another path of it', async () => {
    const taken = await api.post('/v1/routes', { serviceId, domain: `app-${suffix}.example.com`, port: 8080 })
    expect(taken.status).toBe(409)
    expect(taken.json.error).toMatchObject({ code: 'conflict', field: 'domain' })
    const api2 = await api.post('/v1/routes', {
      serviceId,
      domain: `app-${suffix}.example.com`,
      path: '/api',
      port: 8080,
    })
    expect(api2.status, api2.text).toBe(201)
    const answer = await eventually(async () => {
      const r = await viaProxy(`app-${suffix}.example.com`, '/api/')
      return r.status === 200 && r
    })
    expect(answer.body.trim()).toBe(`api ${suffix}`)
    expect((await api.delete(`/v1/routes/${api2.json.id}`)).status).toBe(204)
  })

  it("shows the proxy's state and previews a change without applying it", async () => {
    const state = await viewer.get(`/v1/hosts/${hostId}/proxy`)
    expect(state.status, state.text).toBe(200)
    expect(state.json).toMatchObject({
      hostId,
      settings: { image: nginxImage(env), httpPort, httpsPort },
      status: 'running',
      routes: 1,
      lastError: null,
    })
    const same = await api.post(`/v1/hosts/${hostId}/proxy/preview`, {})
    expect(same.status, same.text).toBe(200)
    expect(same.json).toMatchObject({ unchanged: true, test: { ok: true } })
    const more = await api.post(`/v1/hosts/${hostId}/proxy/preview`, {
      add: { serviceId, domain: `preview-${suffix}.example.com`, port: 8080 },
    })
    expect(more.json).toMatchObject({ unchanged: false, test: { ok: true } })
    expect(more.json.config).toContain(`preview-${suffix}.example.com`)
    const less = await api.post(`/v1/hosts/${hostId}/proxy/preview`, { removeRouteId: routeId })
    expect(less.json.unchanged).toBe(false)
    expect(less.json.config).not.toContain(`app-${suffix}.example.com`)
    // Nothing of either was applied.
    expect((await viaProxy(`app-${suffix}.example.com`)).status).toBe(200)
    expect((await api.get('/v1/routes')).json).toHaveLength(1)
    const applied = await api.post(`/v1/hosts/${hostId}/proxy/apply`)
    expect(applied.status, applied.text).toBe(200)
    expect(applied.json.configHash).toBe(state.json.configHash)
  })

  it("moves the proxy by itself when the host's proxy port is edited", async () => {
    const before = dockerCli(env, ['inspect', '--format', '{{.Id}}', PROXY_NAME])
    const newPort = await freePort()
    const edited = await api.patch(`/v1/hosts/${hostId}`, { proxy: { httpPort: newPort } })
    expect(edited.status, edited.text).toBe(200)
    httpPort = newPort
    await eventually(
      async () => (await viaProxy(`app-${suffix}.example.com`).catch(() => ({ body: '' }))).body.includes(suffix),
      20_000,
      'the route on the new port',
    )
    expect(dockerCli(env, ['inspect', '--format', '{{.Id}}', PROXY_NAME])).not.toBe(before)
    expect(ourProxies()).toHaveLength(1)
    const state = (await api.get(`/v1/hosts/${hostId}/proxy`)).json
    expect(state).toMatchObject({ status: 'running', lastError: null, settings: { httpPort: newPort } })
  })

  it('removes a route with 204: nginx stops sending its domain to the service', async () => {
    expect((await api.delete(`/v1/routes/${routeId}`)).status).toBe(204)
    expect((await api.get(`/v1/routes/${routeId}`)).status).toBe(404)
    expect((await api.delete(`/v1/routes/${routeId}`)).status).toBe(404)
    const answer = await viaProxy(`app-${suffix}.example.com`)
    expect(answer.body).not.toContain(`hello ${suffix}`)
    expect(rows('SELECT id FROM routes')).toEqual([])
  })

  it('answers not_found naming serviceId for a service that does not exist', async () => {
    const res = await api.post('/v1/routes', { serviceId: 'z'.repeat(12), domain: 'x.example.com', port: 80 })
    expect(res.status).toBe(404)
    expect(res.json.error).toMatchObject({ code: 'not_found', field: 'serviceId' })
  })

  it("stores no route whose host's proxy cannot be applied", async () => {
    const gone = await api.post('/v1/hosts', { name: 'gone', socketPath: '/nonexistent/docker.sock' })
    expect(gone.status, gone.text).toBe(201)
    const project = await api.post('/v1/projects', { name: `gdgone${suffix}`, hostId: gone.json.id })
    const service = await api.post(`/v1/projects/${project.json.id}/services`, { name: 'web', image: 'busybox:1' })
    expect(service.status, service.text).toBe(201)
    const res = await api.post('/v1/routes', { serviceId: service.json.id, domain: 'gone.example.com', port: 80 })
    expect(res.status, res.text).toBeGreaterThanOrEqual(400)
    expect(rows('SELECT id FROM routes')).toEqual([])
    expect((await api.delete(`/v1/hosts/${gone.json.id}`)).status).toBe(204)
  })
})

describe('certificates over REST', () => {
  it("orders one for a TLS route as a job, and shows the CA's failure on its status", async () => {
    const domain = `cert-${suffix}.example.com`
    expect((await viewer.get('/v1/certs')).json).toEqual([])
    // Only a domain some route serves: the CA's HTTP-01 challenge is answered by that route's proxy.
    const unrouted = await api.post('/v1/certs/issue', { domain })
    expect(unrouted.status, unrouted.text).toBe(400)
    expect(unrouted.json.error).toMatchObject({ code: 'validation', field: 'domain' })

    const route = await api.post('/v1/routes', { serviceId, domain, port: 8080, tls: true })
    expect(route.status, route.text).toBe(201)
    // No valid certificate yet: the address stays http.
    expect(route.json).toMatchObject({ tls: true, url: `http://${domain}:${httpPort}/` })
    const ordered = (await viewer.get(`/v1/certs/${domain}/status`)).json
    expect(ordered).toMatchObject({ domain, notAfter: null, hostIds: [hostId], jobId: expect.any(String) })
    const first = await jobOf(ordered.jobId)
    expect(first.status).toBe('failed')
    const failed = (await viewer.get(`/v1/certs/${domain}/status`)).json
    expect(failed).toMatchObject({ domain, notAfter: null, failures: 1, lastError: { message: expect.any(String) } })

    expect((await viewer.post('/v1/certs/issue', { domain })).status).toBe(403)
    const issued = await api.post('/v1/certs/issue', { domain: `CERT-${suffix}.Example.com` })
    expect(issued.status, issued.text).toBe(202)
    expect(issued.json).toEqual({ jobId: expect.any(String), domain })
    expect((await jobOf(issued.json.jobId)).status).toBe('failed')
    const renewed = await api.post(`/v1/certs/${domain}/renew`)
    expect(renewed.status, renewed.text).toBe(202)
    expect(renewed.json).toEqual({ jobId: expect.any(String), domain })
    await jobOf(renewed.json.jobId)
    expect((await viewer.get('/v1/certs')).json.map((c: { domain: string }) => c.domain)).toEqual([domain])
    expect((await api.get(`/v1/routes/${route.json.id}`)).json.url).toBe(`http://${domain}:${httpPort}/`)
    expect((await api.delete(`/v1/routes/${route.json.id}`)).status).toBe(204)
  })
})

describe('removing a project the proxy serves', () => {
  it('takes the proxy off the project network first, so the network goes with the project', async () => {
    const network = `glinrdock-gdroutes${suffix}`
    const route = await api.post('/v1/routes', { serviceId, domain: `last-${suffix}.example.com`, port: 8080 })
    expect(route.status, route.text).toBe(201)
    const attached = () =>
      dockerCli(env, ['network', 'inspect', network, '--format', '{{range .Containers}}{{.Name}} {{end}}'])
    expect(attached()).toContain(PROXY_NAME)
    const removed = await api.delete(`/v1/projects/${projectId}?force=true`)
    expect(removed.status, removed.text).toBe(204)
    expect(dockerCli(env, ['network', 'ls', '--filter', `name=^${network}$`, '--format', '{{.Name}}'])).toBe('')
    // The proxy itself keeps running for the host's other routes (none here), and the route went with its service.
    expect(ourProxies()).toHaveLength(1)
    expect(rows('SELECT id FROM routes')).toEqual([])
    projectId = ''
    // And it stops serving the domain by itself (404 like any unknown name, not a 502 to a network it left).
    await eventually(async () => (await viaProxy(`last-${suffix}.example.com`)).status === 404, 10_000, 'domain gone')
  })
})
