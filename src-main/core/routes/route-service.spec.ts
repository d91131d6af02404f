import { describe, expect, it } from 'vitest'
import { CreateRouteInput, PreviewProxyInput, type ProxySettings } from '../../../src-preload/contract/routes'
import { EventBus } from '../events/event-bus'
import { ProjectStore } from '../projects'
import { AppError } from '../shared/app-error'
import { capturingLogger, testDb } from '../webhooks/webhooks-test-support'
import { RouteService } from './route-service'
import { RouteStore } from './route-store'
import type { CertificateWindow } from './route-summary'
import { RecordingProxy, seedService } from './route-test-support'

const DEFAULTS: ProxySettings = { image: 'nginx:1.27-alpine', httpPort: 80, httpsPort: 443 }

function setup() {
  const db = testDb('memory')
  const store = new RouteStore(db)
  const proxy = new RecordingProxy(store)
  const events = new EventBus()
  const changed: string[] = []
  events.on('routes.changed', ({ hostId }) => changed.push(hostId))
  const ordered: string[] = []
  const certs = {
    refuse: null as Error | null,
    ensureCertificate(domain: string) {
      if (this.refuse) throw this.refuse
      ordered.push(domain)
      return { jobId: `job-${domain}` }
    },
  }
  const certificates: CertificateWindow[] = []
  const settings = new Map<string, ProxySettings>()
  const log = capturingLogger()
  const now = new Date('2026-06-01T12:00:00Z')
  const routes = new RouteService({
    store,
    projects: new ProjectStore(db),
    proxy,
    certs,
    certificates: () => certificates,
    hosts: {
      proxySettings: (hostId) => {
        if (hostId === 'nosuchhost00') throw new AppError('not_found', `No host with id ${hostId}`)
        return settings.get(hostId) ?? DEFAULTS
      },
    },
    events,
    logger: log.logger,
    now: () => now,
  })
  const create = (input: unknown) => routes.create(CreateRouteInput.parse(input))
  return { db, store, proxy, changed, ordered, certs, certificates, settings, routes, create, log, now }
}

describe('RouteService.create', () => {
  it("stores the route on its service's host, applies that host with it, and tells the views", async () => {
    const t = setup()
    const seeded = seedService(t.db, { project: 'shop', service: 'web' })
    const route = await t.create({ serviceId: seeded.serviceId, domain: 'App.Example.com', port: 8080 })
    expect(route).toMatchObject({
      hostId: seeded.hostId,
      projectId: seeded.projectId,
      projectName: 'shop',
      serviceId: seeded.serviceId,
      serviceName: 'web',
      domain: 'app.example.com',
      displayDomain: 'app.example.com',
      path: '/',
      port: 8080,
      tls: false,
      url: 'http://app.example.com/',
    })
    // nginx was asked for the configuration with the route in it.
    expect(t.proxy.applied).toEqual([
      { hostId: seeded.hostId, routes: [expect.objectContaining({ id: route.id, domain: 'app.example.com' })] },
    ])
    expect(t.changed).toEqual([seeded.hostId])
    expect(t.routes.get(route.id)).toEqual(route)
    expect(t.routes.list({ hostId: seeded.hostId })).toEqual([route])
    expect(t.ordered).toEqual([])
  })

  it('answers not_found naming serviceId for a service that does not exist, and touches no proxy', async () => {
    const t = setup()
    await expect(t.create({ serviceId: 'nosuchservic', domain: 'a.example.com', port: 80 })).rejects.toMatchObject({
      code: 'not_found',
      field: 'serviceId',
    })
    expect(t.proxy.applied).toEqual([])
    expect(t.store.list()).toEqual([])
  })

  it('refuses a domain and path already routed on the host with conflict, whichever service holds it', async () => {
    const t = setup()
    const a = seedService(t.db)
    const b = seedService(t.db, { hostId: a.hostId, service: 'api' })
    await t.create({ serviceId: a.serviceId, domain: 'a.example.com', path: '/x', port: 80 })
    await expect(
      t.create({ serviceId: b.serviceId, domain: 'A.EXAMPLE.COM', path: '/x', port: 81 }),
    ).rejects.toMatchObject({ code: 'conflict', field: 'domain' })
    expect(t.proxy.applied).toHaveLength(1)
    // Another path, or the same pair on another host, is a route of its own.
    await t.create({ serviceId: b.serviceId, domain: 'a.example.com', path: '/y', port: 81 })
    const elsewhere = seedService(t.db)
    await t.create({ serviceId: elsewhere.serviceId, domain: 'a.example.com', path: '/x', port: 80 })
    expect(t.store.list()).toHaveLength(3)
  })

  it("stores nothing when nginx refuses the configuration, and answers nginx's error", async () => {
    const t = setup()
    const seeded = seedService(t.db)
    t.proxy.refuse = new AppError('proxy_rejected', 'nginx: [emerg] something in the config')
    await expect(
      t.create({ serviceId: seeded.serviceId, domain: 'a.example.com', port: 80, tls: true }),
    ).rejects.toMatchObject({ code: 'proxy_rejected', message: expect.stringContaining('[emerg]') })
    // The apply saw the route; the store no longer holds it, and no certificate was ordered for it.
    expect(t.proxy.applied[0]!.routes).toHaveLength(1)
    expect(t.store.list()).toEqual([])
    expect(t.ordered).toEqual([])
    t.proxy.refuse = null
    expect((await t.create({ serviceId: seeded.serviceId, domain: 'a.example.com', port: 80 })).domain).toBe(
      'a.example.com',
    )
  })

  it('orders a certificate for a TLS route once nginx serves it, and keeps the route if ordering fails', async () => {
    const t = setup()
    const seeded = seedService(t.db)
    await t.create({ serviceId: seeded.serviceId, domain: 'secure.example.com', port: 80, tls: true })
    expect(t.ordered).toEqual(['secure.example.com'])
    t.certs.refuse = new AppError('secrets_consent_required', 'consent first')
    const kept = await t.create({ serviceId: seeded.serviceId, domain: 'other.example.com', port: 80, tls: true })
    expect(t.store.get(kept.id)).toBeDefined()
    expect(t.log.lines().join('\n')).toContain('ordering a certificate for a new route failed')
  })
})

describe('RouteService.remove', () => {
  it('deletes the route and applies the host without it', async () => {
    const t = setup()
    const seeded = seedService(t.db)
    const route = await t.create({ serviceId: seeded.serviceId, domain: 'a.example.com', port: 80 })
    await t.routes.remove(route.id)
    expect(t.proxy.applied.at(-1)).toEqual({ hostId: seeded.hostId, routes: [] })
    expect(t.store.list()).toEqual([])
    expect(t.changed).toEqual([seeded.hostId, seeded.hostId])
    await expect(t.routes.remove(route.id)).rejects.toMatchObject({ code: 'not_found', field: 'id' })
  })

  it('puts the route back, unchanged, when nginx refuses the configuration without it', async () => {
    const t = setup()
    const seeded = seedService(t.db)
    const route = await t.create({ serviceId: seeded.serviceId, domain: 'a.example.com', port: 80 })
    t.proxy.refuse = new AppError('proxy_rejected', 'nginx: reload failed')
    await expect(t.routes.remove(route.id)).rejects.toMatchObject({ code: 'proxy_rejected' })
    expect(t.proxy.applied.at(-1)!.routes).toEqual([])
    expect(t.routes.get(route.id)).toEqual(route)
  })
})

describe('route summaries', () => {
  it('shows the Unicode form of an IDN and keeps the ASCII form nginx and the CA see', async () => {
    const t = setup()
    const seeded = seedService(t.db)
    const route = await t.create({ serviceId: seeded.serviceId, domain: 'bücher.example', path: '/shop', port: 80 })
    expect(route).toMatchObject({
      domain: 'xn--bcher-kva.example',
      displayDomain: 'bücher.example',
      url: 'http://xn--bcher-kva.example/shop',
    })
  })

  it("links https only while a valid certificate exists, with the proxy's port when it is not the default", async () => {
    const t = setup()
    const seeded = seedService(t.db)
    const route = await t.create({ serviceId: seeded.serviceId, domain: 'a.example.com', port: 80, tls: true })
    expect(t.routes.get(route.id).url).toBe('http://a.example.com/')
    const day = 86_400_000
    const at = (offset: number) => new Date(t.now.getTime() + offset).toISOString()
    t.certificates.push({ domain: 'a.example.com', notBefore: at(-day), notAfter: at(-1) })
    expect(t.routes.get(route.id).url).toBe('http://a.example.com/')
    t.certificates[0] = { domain: 'a.example.com', notBefore: at(day), notAfter: at(90 * day) }
    expect(t.routes.get(route.id).url).toBe('http://a.example.com/')
    t.certificates[0] = { domain: 'a.example.com', notBefore: at(-day), notAfter: at(60 * day) }
    expect(t.routes.get(route.id).url).toBe('https://a.example.com/')
    t.settings.set(seeded.hostId, { ...DEFAULTS, httpPort: 8080, httpsPort: 8443 })
    expect(t.routes.get(route.id).url).toBe('https://a.example.com:8443/')
    // A plain HTTP route never links https, certificate or not.
    const plain = await t.create({ serviceId: seeded.serviceId, domain: 'a.example.com', path: '/p', port: 80 })
    expect(plain.url).toBe('http://a.example.com:8080/p')
  })

  it('answers not_found naming id for a route that does not exist', () => {
    const t = setup()
    expect(() => t.routes.get('nosuchroute0')).toThrow(expect.objectContaining({ code: 'not_found', field: 'id' }))
  })
})

describe('RouteService.preview', () => {
  const preview = (t: ReturnType<typeof setup>, input: unknown) => t.routes.preview(PreviewProxyInput.parse(input))

  it('hands the proxy the route to add as a record of this host, and stores nothing', async () => {
    const t = setup()
    const seeded = seedService(t.db)
    await preview(t, {
      hostId: seeded.hostId,
      add: { serviceId: seeded.serviceId, domain: 'a.example.com', port: 3000 },
    })
    expect(t.proxy.previews).toEqual([
      {
        hostId: seeded.hostId,
        change: {
          add: expect.objectContaining({ hostId: seeded.hostId, projectId: seeded.projectId, port: 3000, path: '/' }),
          removeRouteId: undefined,
        },
      },
    ])
    expect(t.store.list()).toEqual([])
    expect(t.proxy.applied).toEqual([])
  })

  it('refuses a service of another host, a route of another host, and an unknown host', async () => {
    const t = setup()
    const a = seedService(t.db)
    const b = seedService(t.db)
    await expect(
      preview(t, { hostId: a.hostId, add: { serviceId: b.serviceId, domain: 'a.example.com', port: 80 } }),
    ).rejects.toMatchObject({ code: 'validation', field: 'add.serviceId' })
    const routeOfB = await t.create({ serviceId: b.serviceId, domain: 'b.example.com', port: 80 })
    await expect(preview(t, { hostId: a.hostId, removeRouteId: routeOfB.id })).rejects.toMatchObject({
      code: 'not_found',
      field: 'removeRouteId',
    })
    await expect(preview(t, { hostId: 'nosuchhost00' })).rejects.toMatchObject({ code: 'not_found' })
    expect(t.proxy.previews).toEqual([])
  })
})
