import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { freePort } from '../../../e2e/fixtures/free-port'
import { HOSTILE_DOMAINS, HOSTILE_ROUTE_PATHS as HOSTILE_PATHS } from '../../../e2e/fixtures/fuzz-inputs'
import { removeProxyObjects } from '../../../e2e/fixtures/testbed-proxy'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'

/**
 * Hostile domains and paths on the real headless server: every value that would end up in nginx's configuration
 * is refused at the contract (400 `validation` naming the field), before any service runs: no route is stored
 * and no proxy container is made on the engine.
 */
const PROXY_LABEL = 'io.glinrdock.proxy'
const PROXY_NAME = `gd-hostile-proxy-${Math.random().toString(36).slice(2, 8)}`
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string
let serviceId: string

function routeRows(): number {
  const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
  try {
    return db.prepare('SELECT COUNT(*) FROM routes').pluck().get() as number
  } finally {
    db.close()
  }
}

/** Proxy containers on the engine under this server's name (other specs may run their own meanwhile). */
const ourProxies = (): string[] =>
  dockerCli(env, ['ps', '-a', '--filter', `label=${PROXY_LABEL}`, '--format', '{{.Names}}'])
    .split('\n')
    .filter((name) => name.includes(PROXY_NAME))

beforeAll(async () => {
  env = testbedEnv()
  serve = await startServe({ env: { GLINRDOCK_PROXY_NAME: PROXY_NAME, GLINRDOCK_PROXY_BIND: '127.0.0.1' } })
  api = apiClient(serve.url, serve.adminToken)
  const host = await api.post('/v1/hosts', {
    name: 'hostile',
    socketPath: env.dockerSocket,
    proxy: { httpPort: await freePort(), httpsPort: await freePort() },
  })
  expect(host.status, host.text).toBe(201)
  hostId = host.json.id
  await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  const project = await api.post('/v1/projects', { name: `gdhostile${Math.random().toString(36).slice(2, 8)}`, hostId })
  expect(project.status, project.text).toBe(201)
  const service = await api.post(`/v1/projects/${project.json.id}/services`, { name: 'web', image: 'busybox:1' })
  expect(service.status, service.text).toBe(201)
  serviceId = service.json.id
})

afterAll(async () => {
  await serve?.stop()
  // Nothing should be there; should a regression make one, it must not outlive the spec.
  if (env) removeProxyObjects(env, PROXY_NAME)
})

describe('hostile route input', () => {
  it.each(HOSTILE_DOMAINS)('refuses the domain %j with 400 naming domain, storing nothing', async (domain) => {
    const res = await api.post('/v1/routes', { serviceId, domain, port: 80 })
    expect(res.status, res.text).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'validation', field: 'domain' })
    expect(routeRows()).toBe(0)
  })

  it.each(HOSTILE_PATHS)('refuses the path %j with 400 naming path, storing nothing', async (path) => {
    const res = await api.post('/v1/routes', { serviceId, domain: 'app.example.com', path, port: 80 })
    expect(res.status, res.text).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'validation', field: 'path' })
    expect(routeRows()).toBe(0)
  })

  it('refuses ports that are not ports, unknown fields and a TLS flag that is not a boolean', async () => {
    for (const [body, field] of [
      [{ serviceId, domain: 'app.example.com', port: 0 }, 'port'],
      [{ serviceId, domain: 'app.example.com', port: 65536 }, 'port'],
      [{ serviceId, domain: 'app.example.com', port: '80' }, 'port'],
      [{ serviceId, domain: 'app.example.com', port: 80, tls: 'yes' }, 'tls'],
      [{ serviceId: '../x', domain: 'app.example.com', port: 80 }, 'serviceId'],
    ] as const) {
      const res = await api.post('/v1/routes', body)
      expect(res.status, res.text).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field })
    }
    const extra = await api.post('/v1/routes', { serviceId, domain: 'app.example.com', port: 80, upstream: 'x' })
    expect(extra.status).toBe(400)
    expect(extra.json.error.code).toBe('validation')
    expect(routeRows()).toBe(0)
  })

  it('refuses the same domains in a preview, a certificate order and the certificate paths', async () => {
    for (const domain of HOSTILE_DOMAINS) {
      const preview = await api.post(`/v1/hosts/${hostId}/proxy/preview`, { add: { serviceId, domain, port: 80 } })
      expect(preview.status, preview.text).toBe(400)
      expect(preview.json.error).toMatchObject({ code: 'validation', field: 'add.domain' })
      const issue = await api.post('/v1/certs/issue', { domain })
      expect(issue.status, issue.text).toBe(400)
      expect(issue.json.error).toMatchObject({ code: 'validation', field: 'domain' })
      if (domain === '') continue
      for (const res of [
        await api.post(`/v1/certs/${encodeURIComponent(domain)}/renew`),
        await api.get(`/v1/certs/${encodeURIComponent(domain)}/status`),
      ]) {
        // A `/` inside the encoded domain never reaches a route of its own: the router decodes the parameter.
        // One longer than any domain (the router's limit is 256) matches no route at all: no contract request runs.
        if (encodeURIComponent(domain).length > 256) {
          expect([400, 404], `${domain}: ${res.text}`).toContain(res.status)
          expect(res.json.error.field).toBeUndefined()
          continue
        }
        expect(res.status, `${domain}: ${res.text}`).toBe(400)
        expect(res.json.error, domain).toMatchObject({ code: 'validation', field: 'domain' })
      }
    }
    for (const path of HOSTILE_PATHS) {
      const preview = await api.post(`/v1/hosts/${hostId}/proxy/preview`, {
        add: { serviceId, domain: 'app.example.com', path, port: 80 },
      })
      expect(preview.status, preview.text).toBe(400)
      expect(preview.json.error).toMatchObject({ code: 'validation', field: 'add.path' })
    }
  })

  it('left the routes table empty and made no proxy container on the engine', async () => {
    expect(routeRows()).toBe(0)
    expect((await api.get('/v1/routes')).json).toEqual([])
    expect(ourProxies()).toEqual([])
  })
})
