import { createReadStream, existsSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** Same policy as the desktop window: only our own scripts, no inline script, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
}

/** Serves the built renderer; unknown paths fall back to index.html for client-side routes. */
export function serveStatic(rootDir: string, pathname: string, res: ServerResponse, headOnly: boolean): void {
  let path = normalize(join(rootDir, decodeURIComponent(pathname)))
  if (path !== rootDir && !path.startsWith(rootDir.endsWith(sep) ? rootDir : rootDir + sep)) {
    path = join(rootDir, 'index.html')
  }
  if (!existsSync(path) || !statSync(path).isFile()) path = join(rootDir, 'index.html')
  if (!existsSync(path)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('The renderer is not built. Run `npm run build` first.\n')
    return
  }
  const isIndex = path.endsWith('index.html')
  securityHeaders(res)
  res.writeHead(200, {
    'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
    'Cache-Control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
  })
  if (headOnly) res.end()
  else createReadStream(path).pipe(res)
}
