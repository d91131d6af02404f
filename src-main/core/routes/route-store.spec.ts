import { describe, expect, it } from 'vitest'
import { testDb } from '../webhooks/webhooks-test-support'
import type { RouteRecord } from '../shared/proxy-ports'
import { RouteStore } from './route-store'
import { seedService } from './route-test-support'

const record = (over: Partial<RouteRecord> & Pick<RouteRecord, 'hostId' | 'serviceId'>): RouteRecord => ({
  id: Math.random().toString(36).slice(2, 14),
  projectId: '',
  domain: 'app.example.com',
  path: '/',
  port: 80,
  tls: false,
  createdAt: new Date().toISOString(),
  ...over,
})

describe('RouteStore', () => {
  it("gives the proxy a host's routes ordered by domain, then path, with their project", () => {
    const db = testDb('memory')
    const store = new RouteStore(db)
    const a = seedService(db)
    const b = seedService(db, { hostId: a.hostId, service: 'api' })
    const other = seedService(db)
    store.insert(record({ ...b, domain: 'b.example.com', path: '/api' }))
    store.insert(record({ ...a, domain: 'b.example.com', path: '/' }))
    store.insert(record({ ...a, domain: 'a.example.com', path: '/z' }))
    store.insert(record({ ...a, domain: 'a.example.com', path: '/a', tls: true }))
    store.insert(record({ ...other, domain: 'a.example.com', path: '/a' }))
    const routes = store.routesForHost(a.hostId)
    expect(routes.map((r) => `${r.domain}${r.path}`)).toEqual([
      'a.example.com/a',
      'a.example.com/z',
      'b.example.com/',
      'b.example.com/api',
    ])
    expect(routes[0]).toMatchObject({ projectId: a.projectId, serviceId: a.serviceId, tls: true, port: 80 })
    // The proxy gets the port's record, without the view's names.
    expect(Object.keys(routes[0]!).sort()).toEqual(
      ['createdAt', 'domain', 'hostId', 'id', 'path', 'port', 'projectId', 'serviceId', 'tls'].sort(),
    )
    expect(store.list({ serviceId: b.serviceId })).toEqual([expect.objectContaining({ serviceName: 'api' })])
    expect(store.list({ hostId: a.hostId, serviceId: other.serviceId })).toEqual([])
  })

  it('names every host whose routes hold a domain, once each', () => {
    const db = testDb('memory')
    const store = new RouteStore(db)
    const a = seedService(db)
    const other = seedService(db)
    store.insert(record({ ...a, domain: 'shared.example.com', path: '/' }))
    store.insert(record({ ...a, domain: 'shared.example.com', path: '/two' }))
    store.insert(record({ ...other, domain: 'shared.example.com', path: '/' }))
    expect(store.hostsForDomain('shared.example.com').sort()).toEqual([a.hostId, other.hostId].sort())
    expect(store.hostsForDomain('nobody.example.com')).toEqual([])
  })

  it('lists each domain some route serves over HTTPS once, and no other', () => {
    const db = testDb('memory')
    const store = new RouteStore(db)
    const a = seedService(db)
    store.insert(record({ ...a, domain: 'b.example.com', path: '/', tls: true }))
    store.insert(record({ ...a, domain: 'b.example.com', path: '/api', tls: true }))
    store.insert(record({ ...a, domain: 'a.example.com', path: '/', tls: true }))
    store.insert(record({ ...a, domain: 'plain.example.com', path: '/', tls: false }))
    expect(store.tlsDomains()).toEqual(['a.example.com', 'b.example.com'])
  })

  it('refuses a second route for one domain and path on a host with conflict, from the unique index', () => {
    const db = testDb('memory')
    const store = new RouteStore(db)
    const a = seedService(db)
    const b = seedService(db, { hostId: a.hostId })
    store.insert(record({ ...a }))
    expect(() => store.insert(record({ ...b }))).toThrow(expect.objectContaining({ code: 'conflict', field: 'domain' }))
    expect(store.list()).toHaveLength(1)
  })

  it("answers not_found for a service that is gone, and forgets a service's routes with it", () => {
    const db = testDb('memory')
    const store = new RouteStore(db)
    const a = seedService(db)
    expect(() => store.insert(record({ hostId: a.hostId, serviceId: 'nosuchservice' }))).toThrow(
      expect.objectContaining({ code: 'not_found', field: 'serviceId' }),
    )
    store.insert(record({ ...a }))
    db.prepare('DELETE FROM services WHERE id = ?').run(a.serviceId)
    expect(store.list()).toEqual([])
  })
})
