import { createHash } from 'node:crypto'
import { ROUTE_PATH_PATTERN } from '../../../src-preload/contract/routes'

/**
 * The typed model of one host's proxy and its nginx text. Every value was validated by the contract before it
 * was stored; each token is checked again here, and anything else makes the render throw, so a value that slipped
 * past a schema (a migration, a bug, a hand-edited database) can never become nginx syntax.
 */

export const CONF_DIR = '/etc/glinrdock'
export const CERTS_DIR = '/etc/glinrdock-certs'
export const ACME_DIR = '/var/lib/glinrdock-acme'
export const LOG_DIR = '/var/log/glinrdock'
export const HEALTH_PORT = 8099
export const HEALTH_PATH = '/glinrdock-health'

export interface LocationModel {
  routeId: string
  path: string
  /** The container's 12-hex short id (its DNS name on every user-defined network), or null: answer 503. */
  upstream: string | null
  port: number
}

export interface ServerModel {
  domain: string
  /** The HTTPS server for the domain, when a route asks for TLS and a certificate is served. */
  tls: { serial: string } | null
  locations: (LocationModel & { tls: boolean })[]
}

export interface ProxyModel {
  httpsPort: number
  servers: ServerModel[]
}

export interface RenderedConfig {
  text: string
  hash: string
}

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const HASH_SLOT = '@@GLINRDOCK_CONFIG_HASH@@'

export class UnsafeTokenError extends Error {
  constructor(kind: string, value: unknown) {
    super(`Refusing to render ${kind} ${JSON.stringify(value)} into nginx configuration`)
    this.name = 'UnsafeTokenError'
  }
}

export function checkDomain(value: string): string {
  if (
    typeof value !== 'string' ||
    value.length > 253 ||
    !/^[a-z0-9.-]+$/.test(value) ||
    value.split('.').length < 2 ||
    !value.split('.').every((label) => LDH_LABEL.test(label)) ||
    // An all-numeric last label is an IPv4 address in disguise, never a host name (RFC 3696 §2).
    /^[0-9]+$/.test(value.slice(value.lastIndexOf('.') + 1))
  ) {
    throw new UnsafeTokenError('domain', value)
  }
  return value
}

function checkPath(value: string): string {
  if (
    typeof value !== 'string' ||
    value.length > 256 ||
    !ROUTE_PATH_PATTERN.test(value) ||
    value.includes('//') ||
    value.split('/').some((s) => s === '.' || s === '..')
  ) {
    throw new UnsafeTokenError('path', value)
  }
  return value
}

function checkUpstream(value: string): string {
  if (typeof value !== 'string' || !/^[a-f0-9]{12}$/.test(value)) throw new UnsafeTokenError('upstream', value)
  return value
}

function checkPort(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new UnsafeTokenError('port', value)
  return value
}

/** Route ids and certificate serials name files: letters and digits only (ids are 12, serials hex). */
export function checkName(kind: string, value: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9]{1,128}$/.test(value)) throw new UnsafeTokenError(kind, value)
  return value
}

const certDir = (domain: string, serial: string): string =>
  `${CERTS_DIR}/${checkDomain(domain)}/${checkName('serial', serial)}`

/**
 * Prefix match like Traefik's PathPrefix: `/api` answers `/api` and `/api/…` (not `/apix`); the request URI goes
 * to the service unchanged. Returns the location selectors for a path.
 */
export function locationSelectors(path: string): string[] {
  checkPath(path)
  if (path === '/') return ['/']
  if (path.endsWith('/')) return [`^~ ${path}`]
  return [`= ${path}`, `^~ ${path}/`]
}

/** A route's access log, in LOG_DIR. */
export const accessLogName = (routeId: string): string => `route-${checkName('route id', routeId)}.log`

function proxyBody(loc: LocationModel): string[] {
  const lines = [`access_log ${LOG_DIR}/${accessLogName(loc.routeId)} gd_route;`]
  checkPort(loc.port)
  if (loc.upstream === null) {
    // No running container: this route alone answers 503; nginx never has to resolve a name that is not there.
    lines.push('default_type text/plain;', 'return 503 "Service unavailable: no running container\\n";')
  } else {
    // A variable makes nginx resolve at request time (resolver above), so a stopped container never fails `-t`.
    lines.push(`set $gd_up "http://${checkUpstream(loc.upstream)}:${loc.port}";`, 'proxy_pass $gd_up;')
  }
  return lines
}

function redirectBody(httpsPort: number): string[] {
  const port = checkPort(httpsPort) === 443 ? '' : `:${httpsPort}`
  return [`return 308 https://$host${port}$request_uri;`]
}

function locations(
  server: ServerModel,
  body: (loc: ServerModel['locations'][number]) => string[],
  indent: string,
): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  // Longer paths first, so `/api/` claims its `^~ /api/` before `/api` would repeat it (nginx refuses duplicates).
  const ordered = [...server.locations].sort((a, b) => b.path.length - a.path.length || (a.path < b.path ? -1 : 1))
  for (const loc of ordered) {
    for (const selector of locationSelectors(loc.path)) {
      if (seen.has(selector)) continue
      seen.add(selector)
      out.push(`${indent}location ${selector} {`, ...body(loc).map((l) => `${indent}  ${l}`), `${indent}}`)
    }
  }
  return out
}

const ACME_LOCATION = [
  `location ^~ /.well-known/acme-challenge/ {`,
  `  root ${ACME_DIR};`,
  `  default_type text/plain;`,
  `}`,
]

/** A domain whose routes do not claim `/` answers 404 elsewhere, not nginx's built-in static root. */
function catchAll(server: ServerModel, indent: string): string[] {
  if (server.locations.some((loc) => loc.path === '/')) return []
  return [`${indent}location / {`, `${indent}  return 404;`, `${indent}}`]
}

function serverBlocks(model: ProxyModel, server: ServerModel): string[] {
  const domain = checkDomain(server.domain)
  const http = [
    '  server {',
    '    listen 80;',
    `    server_name ${domain};`,
    ...ACME_LOCATION.map((l) => `    ${l}`),
    ...locations(server, (loc) => (loc.tls && server.tls ? redirectBody(model.httpsPort) : proxyBody(loc)), '    '),
    ...catchAll(server, '    '),
    '  }',
  ]
  if (!server.tls) return http
  const dir = certDir(domain, server.tls.serial)
  return [
    ...http,
    '  server {',
    '    listen 443 ssl;',
    `    server_name ${domain};`,
    `    ssl_certificate ${dir}/fullchain.pem;`,
    `    ssl_certificate_key ${dir}/privkey.pem;`,
    ...locations(server, proxyBody, '    '),
    ...catchAll(server, '    '),
    '  }',
  ]
}

/** The whole nginx configuration, and its hash (sha256 of the text without the hash, then inserted). */
export function renderConfig(model: ProxyModel): RenderedConfig {
  checkPort(model.httpsPort)
  const domains = new Set<string>()
  for (const server of model.servers) {
    if (domains.has(server.domain)) throw new UnsafeTokenError('duplicate domain', server.domain)
    domains.add(server.domain)
  }
  const servers = [...model.servers].sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0))
  const lines = [
    '# Generated by glinrdock: changes made here are replaced by the next apply.',
    'worker_processes auto;',
    'error_log stderr notice;',
    'pid /run/nginx.pid;',
    'events {',
    '  worker_connections 1024;',
    '}',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    '  server_tokens off;',
    '  access_log off;',
    '  log_format gd_route \'$time_iso8601 $remote_addr "$request" $status $body_bytes_sent $request_time\';',
    // Docker's embedded DNS: container short ids resolve on every user-defined network the proxy shares.
    '  resolver 127.0.0.11 valid=5s ipv6=off;',
    '  resolver_timeout 3s;',
    '  map $http_upgrade $connection_upgrade {',
    '    default upgrade;',
    "    '' close;",
    '  }',
    '  proxy_http_version 1.1;',
    '  proxy_set_header Upgrade $http_upgrade;',
    '  proxy_set_header Connection $connection_upgrade;',
    '  proxy_set_header Host $host;',
    '  proxy_set_header X-Real-IP $remote_addr;',
    // The edge of the host: what a client claims about earlier hops is dropped, as Caddy and Traefik do by default.
    '  proxy_set_header X-Forwarded-For $remote_addr;',
    '  proxy_set_header X-Forwarded-Proto $scheme;',
    '  proxy_set_header X-Forwarded-Host $host;',
    '  proxy_set_header X-Forwarded-Port $server_port;',
    '  proxy_set_header X-Forwarded-Prefix "";',
    '  proxy_set_header Forwarded "";',
    '  proxy_read_timeout 300s;',
    // nginx's 1 MB default refuses ordinary uploads; Caddy, Traefik and kamal-proxy set no limit either.
    '  client_max_body_size 0;',
    '  server {',
    `    listen 127.0.0.1:${HEALTH_PORT};`,
    `    location = ${HEALTH_PATH} {`,
    '      default_type text/plain;',
    `      return 200 "${HASH_SLOT}";`,
    '    }',
    '    location / {',
    '      return 404;',
    '    }',
    '  }',
    '  server {',
    '    listen 80 default_server;',
    '    server_name _;',
    ...ACME_LOCATION.map((l) => `    ${l}`),
    '    location / {',
    '      return 404;',
    '    }',
    '  }',
    '  server {',
    '    listen 443 ssl default_server;',
    '    server_name _;',
    // Unknown names get no certificate at all rather than another domain's.
    '    ssl_reject_handshake on;',
    '  }',
    ...servers.flatMap((server) => serverBlocks(model, server)),
    '}',
    '',
  ]
  const template = lines.join('\n')
  const hash = createHash('sha256').update(template.replace(HASH_SLOT, '')).digest('hex')
  return { text: template.replace(HASH_SLOT, hash), hash }
}
