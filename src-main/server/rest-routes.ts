import type { RequestMethod } from '../../src-preload/contract/channels'

type Params = Record<string, string>

export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  pattern: RegExp
  /** The contract request this route runs: REST and the renderer share one service and one schema. */
  request: RequestMethod
  status?: number
  input: (params: Params, body: unknown, query: URLSearchParams) => unknown
  /** A non-JSON answer (container logs as plain text). */
  render?: (value: unknown) => { contentType: string; body: string }
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
  // `/v1/tokens/:id` → named capture groups; a parameter never spans a slash.
  pattern: new RegExp(`^${path.replace(/:([a-zA-Z]+)/g, '(?<$1>[^/]+)')}$`),
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
    (p, _b, q) => ({ ...target(p), ...(q.has('force') ? { force: isTrue(q.get('force')) } : {}) }),
    204,
  ),
  route(
    'GET',
    '/v1/hosts/:id/containers/:cid/logs',
    'containers.logs',
    (p, _b, q) => ({
      ...target(p),
      ...(q.has('tail') ? { tail: q.get('tail') === 'all' ? undefined : Number(q.get('tail')) } : {}),
      ...(q.has('since') ? { since: q.get('since') } : {}),
      ...(q.has('timestamps') ? { timestamps: isTrue(q.get('timestamps')) } : {}),
    }),
    200,
    (value) => ({ contentType: 'text/plain; charset=utf-8', body: logsAsText(value as LogsValue) }),
  ),
  route('GET', '/v1/hosts/:id/containers/:cid/stats', 'containers.stats', target),
]

type LogsValue = { lines: { text: string; timestamp?: string }[] }

function target(params: Params): { hostId: string | undefined; containerId: string | undefined } {
  return { hostId: params.id, containerId: params.cid }
}

function asObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}

/** `?t=10` like the Engine API, or `{"timeoutSeconds":10}` in the body. */
function withTimeout(params: Params, body: unknown, query: URLSearchParams): unknown {
  const timeout = query.has('t') ? Number(query.get('t')) : asObject(body).timeoutSeconds
  return { ...target(params), ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}) }
}

const isTrue = (value: string | null): boolean => value === '1' || value === 'true'

function logsAsText(value: LogsValue): string {
  return value.lines.map((line) => (line.timestamp ? `${line.timestamp} ${line.text}\n` : `${line.text}\n`)).join('')
}

export function matchRoute(
  method: string,
  pathname: string,
): { route: RestRoute; params: Params } | { allowed: string[] } | null {
  const allowed: string[] = []
  for (const candidate of REST_ROUTES) {
    const match = candidate.pattern.exec(pathname)
    if (!match) continue
    if (candidate.method === method) {
      const params: Params = {}
      for (const [key, value] of Object.entries(match.groups ?? {})) params[key] = decodeURIComponent(value)
      return { route: candidate, params }
    }
    allowed.push(candidate.method)
  }
  return allowed.length > 0 ? { allowed } : null
}
