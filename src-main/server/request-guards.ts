import type { IncomingHttpHeaders } from 'node:http'
import type { AuthenticatedToken, TokenService } from '../core/tokens'

/**
 * DNS-rebinding defence: a page on evil.example that resolves to 127.0.0.1 still sends
 * `Host: evil.example`, so only names that really mean this server are accepted.
 */
export function createHostGuard(listenHost: string, port: number, extraHosts: string[] = []) {
  const names = new Set(
    ['localhost', '127.0.0.1', '[::1]', hostForUrl(listenHost), ...extraHosts].map((h) => h.toLowerCase()),
  )
  const allowed = new Set<string>()
  for (const name of names) {
    allowed.add(name)
    allowed.add(`${name}:${port}`)
  }
  return (host: string): boolean => allowed.has(host.toLowerCase())
}

/**
 * The Host header, or null when there is none or more than one: Node keeps the first of duplicates, a
 * proxy in front may keep the last, and the guard must judge the same value everyone acts on.
 */
export function singleHostHeader(rawHeaders: string[]): string | null {
  let host: string | null = null
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'host') continue
    if (host !== null) return null
    host = rawHeaders[i + 1]!
  }
  return host
}

export const hostForUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host)

/** Tokens are read from `Authorization: Bearer` only; query strings and cookies end up in logs and history. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1]! : null
}

export function authenticateRequest(
  req: { headers: IncomingHttpHeaders },
  tokens: TokenService,
): AuthenticatedToken | null {
  const token = bearerToken(req.headers)
  return token ? tokens.authenticate(token) : null
}

/**
 * A WebSocket may only be opened by a page from this very server. Browsers always send Origin on
 * WebSocket handshakes; non-browser clients may omit it and still have to present a token.
 */
export function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin
  if (origin === undefined) return true
  try {
    const url = new URL(origin)
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.host.toLowerCase() === (headers.host ?? '').toLowerCase()
    )
  } catch {
    return false
  }
}
