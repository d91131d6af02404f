import type { RequestMethod } from '../../src-preload/contract/channels'

type Params = Record<string, string>

export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  pattern: RegExp
  /** The contract request this route runs: REST and the renderer share one service and one schema. */
  request: RequestMethod
  status?: number
  input: (params: Params, body: unknown, query: URLSearchParams) => unknown
}

const route = (
  method: RestRoute['method'],
  path: string,
  request: RequestMethod,
  input: RestRoute['input'] = () => ({}),
  status = 200,
): RestRoute => ({
  method,
  // `/v1/tokens/:id` → named capture groups; a parameter never spans a slash.
  pattern: new RegExp(`^${path.replace(/:([a-zA-Z]+)/g, '(?<$1>[^/]+)')}$`),
  request,
  input,
  status,
})

export const REST_ROUTES: RestRoute[] = [
  route('GET', '/v1/system', 'system.info'),
  route('GET', '/v1/tokens', 'tokens.list'),
  route('POST', '/v1/tokens', 'tokens.create', (_p, body) => body, 201),
  route('DELETE', '/v1/tokens/:id', 'tokens.revoke', (p) => ({ id: p.id }), 204),
  route('GET', '/v1/secrets', 'secrets.status'),
]

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
