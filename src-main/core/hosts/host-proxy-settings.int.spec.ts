import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT, DEFAULT_PROXY_IMAGE } from '../../../src-preload/contract/routes'

/** A host's proxy settings in its body (`proxy: {image, httpPort, httpsPort}`), over REST on the real server. */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
const DEFAULTS = { image: DEFAULT_PROXY_IMAGE, httpPort: DEFAULT_HTTP_PORT, httpsPort: DEFAULT_HTTPS_PORT }

function storedColumns(id: string): unknown {
  const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
  try {
    return db.prepare('SELECT proxy_image, proxy_http_port, proxy_https_port FROM hosts WHERE id = ?').get(id)
  } finally {
    db.close()
  }
}

const addHost = (name: string, extra: Record<string, unknown> = {}) =>
  api.post('/v1/hosts', { name, socketPath: env.dockerSocket, ...extra })

beforeAll(async () => {
  env = testbedEnv()
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
})

afterAll(async () => {
  await serve?.stop()
})

describe('proxy settings of a host', () => {
  it('shows the defaults for a host whose body named none, and stores nothing for them', async () => {
    const res = await addHost('plain')
    expect(res.status, res.text).toBe(201)
    expect(res.json.proxy).toEqual(DEFAULTS)
    expect((await api.get(`/v1/hosts/${res.json.id}`)).json.proxy).toEqual(DEFAULTS)
    expect((await api.get('/v1/hosts')).json[0].proxy).toEqual(DEFAULTS)
    // Unset columns, so the defaults a later version ships apply to it.
    expect(storedColumns(res.json.id)).toEqual({ proxy_image: null, proxy_http_port: null, proxy_https_port: null })
  })

  it('stores what the create body gives, the defaults filling the rest', async () => {
    const res = await addHost('custom', { proxy: { image: 'glinrdock-test/nginx:latest', httpPort: 8080 } })
    expect(res.status, res.text).toBe(201)
    expect(res.json.proxy).toEqual({ image: 'glinrdock-test/nginx:latest', httpPort: 8080, httpsPort: 443 })
    expect(storedColumns(res.json.id)).toEqual({
      proxy_image: 'glinrdock-test/nginx:latest',
      proxy_http_port: 8080,
      proxy_https_port: null,
    })
  })

  it('changes only the fields an edit gives, and keeps them through edits of other fields', async () => {
    const created = await addHost('edited', { proxy: { image: 'nginx:1.27', httpPort: 8081, httpsPort: 8444 } })
    const id = created.json.id
    const port = await api.patch(`/v1/hosts/${id}`, { proxy: { httpsPort: 9443 } })
    expect(port.status, port.text).toBe(200)
    expect(port.json.proxy).toEqual({ image: 'nginx:1.27', httpPort: 8081, httpsPort: 9443 })
    const renamed = await api.patch(`/v1/hosts/${id}`, { name: 'edited-again' })
    expect(renamed.json.proxy).toEqual({ image: 'nginx:1.27', httpPort: 8081, httpsPort: 9443 })
    const empty = await api.patch(`/v1/hosts/${id}`, { proxy: {} })
    expect(empty.json.proxy).toEqual({ image: 'nginx:1.27', httpPort: 8081, httpsPort: 9443 })
    expect((await api.get(`/v1/hosts/${id}`)).json.proxy).toEqual({
      image: 'nginx:1.27',
      httpPort: 8081,
      httpsPort: 9443,
    })
  })

  it('refuses a bad image or port naming the field, and two equal ports, stored or given, changing nothing', async () => {
    const created = await addHost('guarded', { proxy: { httpPort: 8082 } })
    const id = created.json.id
    // Name and proxy: the link's state moves on by itself meanwhile.
    const settingsOf = async () => {
      const { name, proxy } = (await api.get(`/v1/hosts/${id}`)).json
      return { name, proxy }
    }
    const before = await settingsOf()
    expect(before.proxy).toEqual({ ...DEFAULTS, httpPort: 8082 })
    for (const [proxy, field] of [
      [{ image: 'nginx:1;rm -rf /' }, 'proxy.image'],
      [{ image: 'UPPER/nginx' }, 'proxy.image'],
      [{ image: '-nginx' }, 'proxy.image'],
      [{ httpPort: 0 }, 'proxy.httpPort'],
      [{ httpsPort: 70000 }, 'proxy.httpsPort'],
      [{ httpPort: 8443, httpsPort: 8443 }, 'proxy.httpsPort'],
      // The stored HTTP port is 8082: an HTTPS port equal to it is refused as well.
      [{ httpsPort: 8082 }, 'proxy.httpsPort'],
      // And the default HTTPS port (443) for an HTTP port moved onto it.
      [{ httpPort: 443 }, 'proxy.httpPort'],
      [{ upstream: 'x' }, 'proxy'],
    ] as const) {
      const res = await api.patch(`/v1/hosts/${id}`, { name: 'never', proxy })
      expect(res.status, `${JSON.stringify(proxy)}: ${res.text}`).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field })
    }
    expect(await settingsOf()).toEqual(before)
    const refused = await addHost('never', { proxy: { httpPort: 443 } })
    expect(refused.status).toBe(400)
    expect(refused.json.error).toMatchObject({ code: 'validation', field: 'proxy.httpPort' })
    expect((await api.get('/v1/hosts')).json.map((h: { name: string }) => h.name)).not.toContain('never')
  })
})
