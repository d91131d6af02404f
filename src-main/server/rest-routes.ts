import type { RequestMethod } from '../../src-preload/contract/channels'

type Params = Record<string, string>

export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Fastify's syntax (`/v1/tokens/:id`); the framework's router decodes parameters, never our code. */
  path: string
  /** The contract request this route runs: REST and the renderer share one service and one schema. */
  request: RequestMethod
  status?: number
  input: (params: Params, body: unknown, query: URLSearchParams) => unknown
  /** A non-JSON answer (container logs as plain text). */
  render?: (value: unknown) => { contentType: string; body: string }
  /** A status that depends on the answer (202 when a start had to become a job). */
  statusOf?: (value: unknown) => number
}

const route = (
  method: RestRoute['method'],
  path: string,
  request: RequestMethod,
  input: RestRoute['input'] = () => ({}),
  status = 200,
  render?: RestRoute['render'],
): RestRoute => ({
  render,
  method,
  path,
  request,
  input,
  status,
})

export const REST_ROUTES: RestRoute[] = [
  route('GET', '/v1/system', 'system.info'),
  route('GET', '/v1/session', 'session.info'),
  route('GET', '/v1/tokens', 'tokens.list'),
  route('POST', '/v1/tokens', 'tokens.create', (_p, body) => body, 201),
  route('DELETE', '/v1/tokens/:id', 'tokens.revoke', (p) => ({ id: p.id }), 204),
  route('GET', '/v1/secrets', 'secrets.status'),
  route('POST', '/v1/hosts/probe', 'hosts.probe', (_p, body) => body),
  route('GET', '/v1/hosts', 'hosts.list'),
  route('POST', '/v1/hosts', 'hosts.create', (_p, body) => body, 201),
  route('GET', '/v1/hosts/:id', 'hosts.get', (p) => ({ id: p.id })),
  route('DELETE', '/v1/hosts/:id', 'hosts.remove', (p) => ({ id: p.id }), 204),
  route('PUT', '/v1/hosts/:id/host-key', 'hosts.replaceHostKey', (p, body) => ({ ...asObject(body), id: p.id })),
  route('GET', '/v1/hosts/:id/containers', 'containers.list', (p) => ({ hostId: p.id })),
  route('GET', '/v1/hosts/:id/containers/:cid', 'containers.inspect', target),
  route('POST', '/v1/hosts/:id/containers/:cid/start', 'containers.start', target, 204),
  route('POST', '/v1/hosts/:id/containers/:cid/stop', 'containers.stop', withTimeout, 204),
  route('POST', '/v1/hosts/:id/containers/:cid/restart', 'containers.restart', withTimeout, 204),
  route(
    'DELETE',
    '/v1/hosts/:id/containers/:cid',
    'containers.remove',
    (p, _b, q) => ({ ...target(p), ...(q.has('force') ? { force: strictBoolean(q.get('force')) } : {}) }),
    204,
  ),
  route(
    'GET',
    '/v1/hosts/:id/containers/:cid/logs',
    'containers.logs',
    (p, _b, q) => ({ ...target(p), ...logsQuery(q) }),
    200,
    (value) => ({ contentType: 'text/plain; charset=utf-8', body: logsAsText(value as LogsValue) }),
  ),
  route('GET', '/v1/hosts/:id/containers/:cid/stats', 'containers.stats', target),
  route('POST', '/v1/hosts/:id/containers/:cid/kill', 'containers.kill', withSignal, 204),
  route('POST', '/v1/hosts/:id/containers/:cid/pause', 'containers.pause', target, 204),
  route('POST', '/v1/hosts/:id/containers/:cid/unpause', 'containers.unpause', target, 204),
  // Image references hold `/` (`library/nginx:1`): send it as %2F; the router decodes the parameter.
  route('GET', '/v1/hosts/:id/images', 'images.list', (p) => ({ hostId: p.id })),
  route('GET', '/v1/hosts/:id/images/:imageId', 'images.inspect', (p) => ({ hostId: p.id, imageId: p.imageId })),
  route(
    'DELETE',
    '/v1/hosts/:id/images/:imageId',
    'images.remove',
    (p, _b, q) => ({ hostId: p.id, imageId: p.imageId, ...withForce(q) }),
    204,
  ),
  // The preview is not under /images/, where `prune` would read as an image reference.
  route('GET', '/v1/hosts/:id/images-prune', 'images.prunePreview', pruneQuery),
  route('POST', '/v1/hosts/:id/images/prune', 'images.prune', pruneQuery),
  route('POST', '/v1/hosts/:id/images/pull', 'images.pull', (p, body) => ({ ...asObject(body), hostId: p.id }), 202),
  route('GET', '/v1/hosts/:id/volumes', 'volumes.list', (p) => ({ hostId: p.id })),
  route('GET', '/v1/hosts/:id/volumes/:name', 'volumes.inspect', (p) => ({ hostId: p.id, name: p.name })),
  route(
    'DELETE',
    '/v1/hosts/:id/volumes/:name',
    'volumes.remove',
    (p, _b, q) => ({ hostId: p.id, name: p.name, ...withForce(q) }),
    204,
  ),
  route('GET', '/v1/hosts/:id/volumes-prune', 'volumes.prunePreview', pruneQuery),
  route('POST', '/v1/hosts/:id/volumes/prune', 'volumes.prune', pruneQuery),
  route('GET', '/v1/hosts/:id/networks', 'networks.list', (p) => ({ hostId: p.id })),
  route('GET', '/v1/hosts/:id/networks/:networkId', 'networks.inspect', networkTarget),
  route('DELETE', '/v1/hosts/:id/networks/:networkId', 'networks.remove', networkTarget, 204),
  route('GET', '/v1/hosts/:id/networks-prune', 'networks.prunePreview', pruneQuery),
  route('POST', '/v1/hosts/:id/networks/prune', 'networks.prune', pruneQuery),
  route('PATCH', '/v1/hosts/:id', 'hosts.update', (p, body) => ({ ...asObject(body), id: p.id })),
  // 200 with every step even when the test fails: the failure is the answer, not an error of the request.
  route('POST', '/v1/hosts/test', 'hosts.test', (_p, body) => body),
  route('POST', '/v1/hosts/:id/retry', 'hosts.retry', (p) => ({ id: p.id })),
  route('GET', '/v1/jobs', 'jobs.list', (_p, _b, q) => jobsQuery(q)),
  route('GET', '/v1/jobs/:id', 'jobs.get', (p) => ({ id: p.id })),
  // 200 with the job: a running job is still `running` until its handler returns.
  route('POST', '/v1/jobs/:id/cancel', 'jobs.cancel', (p) => ({ id: p.id })),
  route('GET', '/v1/registries', 'registries.list'),
  route('POST', '/v1/registries', 'registries.create', (_p, body) => body, 201),
  route('DELETE', '/v1/registries/:id', 'registries.remove', (p) => ({ id: p.id }), 204),
  route('GET', '/v1/projects', 'projects.list', (_p, _b, q) => (q.has('hostId') ? { hostId: q.get('hostId') } : {})),
  route('POST', '/v1/projects', 'projects.create', (_p, body) => body, 201),
  route('GET', '/v1/projects/:id', 'projects.get', byId),
  route(
    'DELETE',
    '/v1/projects/:id',
    'projects.remove',
    (p, _b, q) => ({ id: p.id, ...flags(q, ['force', 'volumes']) }),
    204,
  ),
  route('POST', '/v1/projects/:id/start', 'projects.start', byId, 202),
  route('POST', '/v1/projects/:id/stop', 'projects.stop', byId, 204),
  route('GET', '/v1/projects/:id/services', 'projects.services', byId),
  route(
    'POST',
    '/v1/projects/:id/services',
    'services.create',
    (p, body) => ({ ...asObject(body), projectId: p.id }),
    201,
  ),
  route('POST', '/v1/projects/:id/compose', 'projects.composeImport', (p, body) => ({
    ...asObject(body),
    projectId: p.id,
  })),
  route('GET', '/v1/projects/:id/compose', 'projects.composeExport', byId, 200, (value) => ({
    contentType: 'text/yaml; charset=utf-8',
    body: (value as { yaml: string }).yaml,
  })),
  route('POST', '/v1/projects/:id/adopt', 'projects.adopt', (p, body) => ({ ...asObject(body), projectId: p.id }), 201),
  route('GET', '/v1/hosts/:id/adoptable', 'hosts.adoptable', (p) => ({ hostId: p.id })),
  route('GET', '/v1/services/:id', 'services.get', byId),
  route('PATCH', '/v1/services/:id', 'services.update', (p, body) => ({ ...asObject(body), id: p.id })),
  route('DELETE', '/v1/services/:id', 'services.remove', (p, _b, q) => ({ id: p.id, ...flags(q, ['volumes']) }), 204),
  {
    ...route('POST', '/v1/services/:id/start', 'services.start', byId),
    statusOf: (value) => ((value as { jobId: string | null }).jobId ? 202 : 200),
  },
  route('POST', '/v1/services/:id/stop', 'services.stop', serviceTimeout, 204),
  route('POST', '/v1/services/:id/restart', 'services.restart', serviceTimeout, 204),
  route(
    'GET',
    '/v1/services/:id/logs',
    'services.logs',
    (p, _b, q) => ({ id: p.id, ...logsQuery(q) }),
    200,
    (value) => ({ contentType: 'text/plain; charset=utf-8', body: logsAsText(value as LogsValue) }),
  ),
  // --- builds (core/builds) ---
  route(
    'POST',
    '/v1/cicd/services/:id/build',
    'cicd.build',
    (p, body) => ({ ...asObject(body), serviceId: p.id }),
    202,
  ),
  route('GET', '/v1/cicd/services/:id/builds', 'cicd.builds', (p, _b, q) => ({
    serviceId: p.id,
    ...(q.has('limit') ? { limit: strictInteger(q.get('limit')) } : {}),
  })),
  route('GET', '/v1/cicd/builds/:id', 'cicd.buildGet', byId),
  route('GET', '/v1/cicd/builds/:id/logs', 'cicd.buildLogs', byId, 200, (value) => {
    const log = value as { text: string; truncated: boolean }
    const dropped = '[glinrdock] The start of this log was dropped: it outgrew its size limit.\n'
    return { contentType: 'text/plain; charset=utf-8', body: log.truncated ? dropped + log.text : log.text }
  }),
  // --- deploys (core/deploys) ---
  route(
    'POST',
    '/v1/cicd/services/:id/deploy',
    'cicd.deploy',
    (p, body) => ({ ...asObject(body), serviceId: p.id }),
    202,
  ),
  route(
    'POST',
    '/v1/cicd/services/:id/rollback',
    'cicd.rollback',
    (p, body) => ({ ...asObject(body), serviceId: p.id }),
    202,
  ),
  route('GET', '/v1/cicd/services/:id/rollback-preview', 'cicd.rollbackPreview', (p, _b, q) => ({
    serviceId: p.id,
    ...(q.has('deploymentId') ? { deploymentId: q.get('deploymentId') } : {}),
  })),
  route('GET', '/v1/cicd/services/:id/deployments', 'cicd.deployments', (p, _b, q) => ({
    serviceId: p.id,
    ...(q.has('limit') ? { limit: strictInteger(q.get('limit')) } : {}),
  })),
  route('GET', '/v1/cicd/deployments/:id', 'cicd.deploymentGet', byId),
  // --- settings and notifications (core/settings, core/notifications); the GitHub webhook is not a contract
  // route (no token): github-webhook-route.ts ---
  route('GET', '/v1/settings', 'settings.get'),
  route('PUT', '/v1/settings', 'settings.update', (_p, body) => body),
  route('GET', '/v1/notifications', 'notifications.list', (_p, _b, q) =>
    q.has('limit') ? { limit: strictInteger(q.get('limit')) } : {},
  ),
  route('POST', '/v1/notifications/read', 'notifications.markRead', (_p, body) => body, 204),
  // --- routes, proxy, certificates (core/routes, core/proxy, core/certs) ---
  route('POST', '/v1/routes', 'routes.create', (_p, body) => body, 201),
  route('GET', '/v1/routes', 'routes.list', (_p, _b, q) => pick(q, ['hostId', 'serviceId'])),
  route('GET', '/v1/routes/:id', 'routes.get', byId),
  route('DELETE', '/v1/routes/:id', 'routes.remove', byId, 204),
  route('GET', '/v1/hosts/:id/proxy', 'proxy.get', (p) => ({ hostId: p.id })),
  // 200 with the state even when nothing changed: an apply of the live configuration is a no-op, not an error.
  route('POST', '/v1/hosts/:id/proxy/apply', 'proxy.apply', (p) => ({ hostId: p.id })),
  route('POST', '/v1/hosts/:id/proxy/preview', 'proxy.preview', (p, body) => ({ ...asObject(body), hostId: p.id })),
  route('GET', '/v1/certs', 'certs.list'),
  route('POST', '/v1/certs/issue', 'certs.issue', (_p, body) => body, 202),
  // Domains are ASCII (punycode) or Unicode in the path; the router decodes the parameter, the schema checks it.
  route('POST', '/v1/certs/:domain/renew', 'certs.renew', (p) => ({ domain: p.domain }), 202),
  route('GET', '/v1/certs/:domain/status', 'certs.status', (p) => ({ domain: p.domain })),
]

/** Query parameters passed on as strings when present; the schema refuses what they must not be. */
function pick(query: URLSearchParams, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.filter((n) => query.has(n)).map((n) => [n, query.get(n)]))
}

function byId(params: Params): { id: string | undefined } {
  return { id: params.id }
}

/** Boolean query flags (`?force=true&volumes=1`). */
function flags(query: URLSearchParams, names: string[]): Record<string, boolean | string | null> {
  return Object.fromEntries(names.filter((n) => query.has(n)).map((n) => [n, strictBoolean(query.get(n))]))
}

function serviceTimeout(params: Params, body: unknown, query: URLSearchParams): unknown {
  return { id: params.id, ...timeoutOf(body, query) }
}

/** `?tail=N|all&since=&timestamps=` as the Engine API takes them. */
function logsQuery(q: URLSearchParams): Record<string, unknown> {
  return {
    ...(q.has('tail') ? { tail: q.get('tail') === 'all' ? undefined : strictInteger(q.get('tail')) } : {}),
    ...(q.has('since') ? { since: q.get('since') } : {}),
    ...(q.has('timestamps') ? { timestamps: strictBoolean(q.get('timestamps')) } : {}),
  }
}

type LogsValue = { lines: { text: string; timestamp?: string }[] }

function target(params: Params): { hostId: string | undefined; containerId: string | undefined } {
  return { hostId: params.id, containerId: params.cid }
}

function asObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}

/** `?t=10` like the Engine API, or `{"timeoutSeconds":10}` in the body. */
function timeoutOf(body: unknown, query: URLSearchParams): { timeoutSeconds?: unknown } {
  const timeout = query.has('t') ? strictInteger(query.get('t')) : asObject(body).timeoutSeconds
  return timeout !== undefined ? { timeoutSeconds: timeout } : {}
}

function withTimeout(params: Params, body: unknown, query: URLSearchParams): unknown {
  return { ...target(params), ...timeoutOf(body, query) }
}

function networkTarget(params: Params): { hostId: string | undefined; networkId: string | undefined } {
  return { hostId: params.id, networkId: params.networkId }
}

function withForce(query: URLSearchParams): { force?: boolean | string | null } {
  return query.has('force') ? { force: strictBoolean(query.get('force')) } : {}
}

/** `?signal=SIGTERM` or `?signal=9`, as the Engine API takes it. */
function withSignal(params: Params, _body: unknown, query: URLSearchParams): unknown {
  return { ...target(params), ...(query.has('signal') ? { signal: strictInteger(query.get('signal')) } : {}) }
}

/** `?all=true` and repeated `?label=key[=value]`; `volumes` and `networks` refuse what they do not take. */
function pruneQuery(params: Params, _body: unknown, query: URLSearchParams): unknown {
  return {
    hostId: params.id,
    ...(query.has('all') ? { all: strictBoolean(query.get('all')) } : {}),
    ...(query.has('label') ? { labels: query.getAll('label') } : {}),
  }
}

/** `true`/`1` and `false`/`0`; anything else goes on as a string for the schema to refuse. */
function strictBoolean(value: string | null): boolean | string | null {
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  return value
}

/**
 * Decimal digits only: `Number()` would read `''` as 0 (an immediate kill for `stop?t=`) and `0x10` as 16.
 * Anything else is passed on as the string it is, so the schema refuses it and names the field.
 */
export function strictInteger(value: string | null): number | string | null {
  return value !== null && /^\d{1,10}$/.test(value) ? Number(value) : value
}

function logsAsText(value: LogsValue): string {
  return value.lines.map((line) => (line.timestamp ? `${line.timestamp} ${line.text}\n` : `${line.text}\n`)).join('')
}

/** `?kind=&status=&serviceId=&hostId=&limit=`; an empty or malformed value goes on for the schema to refuse. */
function jobsQuery(query: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const key of ['kind', 'status', 'serviceId', 'hostId']) if (query.has(key)) input[key] = query.get(key)
  if (query.has('limit')) input.limit = strictInteger(query.get('limit'))
  return input
}
