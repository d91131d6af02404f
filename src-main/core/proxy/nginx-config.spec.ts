import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { locationSelectors, renderConfig, UnsafeTokenError, type ProxyModel, type ServerModel } from './nginx-config'
import { chooseUpstream, type RunningContainer } from './proxy-model'

const UP = '9051e3466af3'

function server(overrides: Partial<ServerModel> = {}): ServerModel {
  return {
    domain: 'app.example.com',
    tls: null,
    locations: [{ routeId: 'r00000000001', path: '/', port: 8080, upstream: UP, tls: false }],
    ...overrides,
  }
}

const model = (servers: ServerModel[], httpsPort = 443): ProxyModel => ({ httpsPort, servers })

describe('renderConfig', () => {
  it('renders events, http with mime types, the docker resolver, upstreams as variables and the default servers', () => {
    const { text } = renderConfig(model([server()]))
    expect(text).toMatch(/^events \{\n {2}worker_connections \d+;\n\}$/m)
    expect(text).toContain('include /etc/nginx/mime.types;')
    expect(text).toContain('resolver 127.0.0.11 valid=5s ipv6=off;')
    expect(text).toContain(`set $gd_up "http://${UP}:8080";`)
    expect(text).toContain('proxy_pass $gd_up;')
    expect(text).toContain('listen 80 default_server;')
    expect(text).toMatch(/listen 443 ssl default_server;\n\s+server_name _;\n\s+ssl_reject_handshake on;/)
    expect(text).toContain('listen 127.0.0.1:8099;')
    expect(text).toContain('access_log /var/log/glinrdock/route-r00000000001.log gd_route;')
    // The challenge location is in the default server and in each domain's HTTP server.
    expect(
      text.match(/location \^~ \/\.well-known\/acme-challenge\/ \{\n\s+root \/var\/lib\/glinrdock-acme;/g),
    ).toHaveLength(2)
  })

  it('answers 404 for what no route of a domain claims, and nothing extra where a route claims /', () => {
    const api = server({ locations: [{ routeId: 'r00000000002', path: '/api', port: 8080, upstream: UP, tls: false }] })
    const { text } = renderConfig(model([api]))
    const block = text.slice(text.indexOf('server_name app.example.com;'))
    expect(block).toMatch(/location \/ \{\n\s+return 404;\n\s+\}/)
    const rooted = renderConfig(model([server()])).text
    expect(rooted.slice(rooted.indexOf('server_name app.example.com;'))).not.toContain('return 404;')
  })

  it('forwards websockets and the client headers', () => {
    const { text } = renderConfig(model([server()]))
    expect(text).toMatch(/map \$http_upgrade \$connection_upgrade \{\n\s+default upgrade;\n\s+'' close;\n\s+\}/)
    for (const line of [
      'proxy_http_version 1.1;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection $connection_upgrade;',
      'proxy_set_header Host $host;',
      'proxy_set_header X-Real-IP $remote_addr;',
      // The client's own claims about earlier hops are replaced: this is the edge.
      'proxy_set_header X-Forwarded-For $remote_addr;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_set_header X-Forwarded-Host $host;',
      'proxy_set_header Forwarded "";',
    ])
      expect(text).toContain(line)
    expect(text).not.toContain('$proxy_add_x_forwarded_for')
  })

  it('matches paths as prefixes: / is location /, /api is = /api and ^~ /api/, /api/ only ^~ /api/', () => {
    expect(locationSelectors('/')).toEqual(['/'])
    expect(locationSelectors('/api')).toEqual(['= /api', '^~ /api/'])
    expect(locationSelectors('/api/')).toEqual(['^~ /api/'])
    const { text } = renderConfig(
      model([
        server({
          locations: [
            { routeId: 'r00000000001', path: '/', port: 80, upstream: UP, tls: false },
            { routeId: 'r00000000002', path: '/api', port: 81, upstream: UP, tls: false },
            { routeId: 'r00000000003', path: '/api/', port: 82, upstream: UP, tls: false },
          ],
        }),
      ]),
    )
    expect(text).toContain('location = /api {')
    // `/api/` is claimed once, by the route that names it exactly.
    expect(text.match(/location \^~ \/api\/ \{/g)).toHaveLength(1)
    expect(text).toMatch(/location \^~ \/api\/ \{\n.*route-r00000000003/)
  })

  it('puts every route of a domain in one server block', () => {
    const { text } = renderConfig(
      model([
        server({
          locations: [
            { routeId: 'r00000000001', path: '/', port: 80, upstream: UP, tls: false },
            { routeId: 'r00000000002', path: '/x', port: 81, upstream: UP, tls: false },
          ],
        }),
        server({ domain: 'b.example.com' }),
      ]),
    )
    expect(text.match(/server_name app\.example\.com;/g)).toHaveLength(1)
    expect(text.match(/server_name b\.example\.com;/g)).toHaveLength(1)
  })

  it('answers 503 for a route whose service has no running container', () => {
    const { text } = renderConfig(
      model([server({ locations: [{ routeId: 'r00000000001', path: '/', port: 80, upstream: null, tls: false }] })]),
    )
    expect(text).toContain('return 503 "Service unavailable: no running container\\n";')
    expect(text).not.toContain('$gd_up')
  })

  it('serves HTTPS with the certificate by serial and redirects HTTP (308) except the challenge path', () => {
    const { text } = renderConfig(
      model(
        [
          server({
            tls: { serial: 'abc123' },
            locations: [{ routeId: 'r00000000001', path: '/', port: 80, upstream: UP, tls: true }],
          }),
        ],
        8443,
      ),
    )
    expect(text).toContain('ssl_certificate /etc/glinrdock-certs/app.example.com/abc123/fullchain.pem;')
    expect(text).toContain('ssl_certificate_key /etc/glinrdock-certs/app.example.com/abc123/privkey.pem;')
    expect(text).toMatch(
      /listen 80;\n\s+server_name app\.example\.com;\n\s+location \^~ \/\.well-known\/acme-challenge\//,
    )
    expect(text).toContain('return 308 https://$host:8443$request_uri;')
    expect(text).toMatch(/listen 443 ssl;\n\s+server_name app\.example\.com;/)
  })

  it('hashes the text without the hash and inserts it, stably and independent of input order', () => {
    const a = renderConfig(model([server(), server({ domain: 'b.example.com' })]))
    const b = renderConfig(model([server({ domain: 'b.example.com' }), server()]))
    expect(a).toEqual(b)
    expect(a.hash).toMatch(/^[a-f0-9]{64}$/)
    expect(a.text).toContain(`return 200 "${a.hash}";`)
    const without = a.text.replace(a.hash, '')
    expect(createHash('sha256').update(without).digest('hex')).toBe(a.hash)
    expect(renderConfig(model([server({ domain: 'c.example.com' })])).hash).not.toBe(a.hash)
  })

  it.each([
    ['domain', { domain: 'a.com;include /etc/passwd' }],
    ['domain', { domain: 'a\n}server{' }],
    ['domain', { domain: '$host' }],
    ['domain', { domain: 'App.Example.com' }],
    ['domain', { domain: '-a.example.com' }],
    ['domain', { domain: 'localhost' }],
    ['domain', { domain: '127.0.0.1' }],
    [
      'path',
      { locations: [{ routeId: 'r00000000001', path: '/a;include /etc/passwd', port: 80, upstream: UP, tls: false }] },
    ],
    ['path', { locations: [{ routeId: 'r00000000001', path: '/a\n}', port: 80, upstream: UP, tls: false }] }],
    ['path', { locations: [{ routeId: 'r00000000001', path: '/$host', port: 80, upstream: UP, tls: false }] }],
    ['path', { locations: [{ routeId: 'r00000000001', path: '/a/../b', port: 80, upstream: UP, tls: false }] }],
    ['path', { locations: [{ routeId: 'r00000000001', path: 'api', port: 80, upstream: UP, tls: false }] }],
    ['upstream', { locations: [{ routeId: 'r00000000001', path: '/', port: 80, upstream: 'evil.com', tls: false }] }],
    ['upstream', { locations: [{ routeId: 'r00000000001', path: '/', port: 80, upstream: '$host', tls: false }] }],
    ['port', { locations: [{ routeId: 'r00000000001', path: '/', port: 80.5, upstream: UP, tls: false }] }],
    ['port', { locations: [{ routeId: 'r00000000001', path: '/', port: 0, upstream: UP, tls: false }] }],
    ['route id', { locations: [{ routeId: 'r1;x', path: '/', port: 80, upstream: UP, tls: false }] }],
    ['serial', { tls: { serial: '../../etc' } }],
  ] as [string, Partial<ServerModel>][])('refuses a hostile %s and renders nothing', (_kind, overrides) => {
    expect(() => renderConfig(model([server(overrides)]))).toThrow(UnsafeTokenError)
  })

  it('refuses a hostile port for the HTTPS redirect', () => {
    expect(() => renderConfig(model([server()], 70000))).toThrow(UnsafeTokenError)
  })
})

describe('chooseUpstream', () => {
  const c = (Id: string, name: string, Created: number, service?: string): RunningContainer => ({
    Id,
    Names: [`/${name}`],
    Created,
    Labels: service ? { 'io.glinrdock.service': service } : ({} as Record<string, string>),
  })
  const running = [
    c('a'.repeat(64), 'shop-web', 1, 's1'),
    c('b'.repeat(64), 'shop-web-next', 3, 's1'),
    c('d'.repeat(64), 'x', 5, 's1'),
  ]

  it('prefers a running pinned container, then the canonical name, then the newest labelled one', () => {
    expect(chooseUpstream(running, { serviceId: 's1', canonicalName: 'shop-web', pinned: 'b'.repeat(64) })).toBe(
      'b'.repeat(64),
    )
    expect(chooseUpstream(running, { serviceId: 's1', canonicalName: 'shop-web', pinned: 'f'.repeat(64) })).toBe(
      'a'.repeat(64),
    )
    expect(chooseUpstream(running.slice(1), { serviceId: 's1', canonicalName: 'shop-web' })).toBe('d'.repeat(64))
    expect(chooseUpstream(running, { serviceId: 's2', canonicalName: 'shop-api' })).toBeNull()
  })

  it("never sends a service's traffic to a container that is not the service's, whatever its name", () => {
    const squatter = c('e'.repeat(64), 'shop-web', 9)
    expect(chooseUpstream([squatter], { serviceId: 's1', canonicalName: 'shop-web' })).toBeNull()
    expect(chooseUpstream([squatter, running[2]!], { serviceId: 's1', canonicalName: 'shop-web' })).toBe('d'.repeat(64))
    expect(
      chooseUpstream([squatter], { serviceId: 's1', canonicalName: 'shop-web', pinned: 'e'.repeat(64) }),
    ).toBeNull()
    // An adopted container keeps its own labels and name: the service's record names it.
    const adopted = c('f'.repeat(64), 'legacy_web_1', 2)
    expect(
      chooseUpstream([squatter, adopted], { serviceId: 's1', canonicalName: 'shop-web', adopted: 'f'.repeat(64) }),
    ).toBe('f'.repeat(64))
  })
})
