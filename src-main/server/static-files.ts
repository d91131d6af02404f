import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

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

export function securityHeaders(reply: FastifyReply): void {
  reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  reply.header('X-Content-Type-Options', 'nosniff')
  reply.header('Referrer-Policy', 'no-referrer')
  reply.header('X-Frame-Options', 'DENY')
  reply.header('Cross-Origin-Opener-Policy', 'same-origin')
}

/**
 * Serves the built renderer through @fastify/static (which owns path decoding and traversal checks).
 * Returns the fallback for client-side routes: index.html, never cached, or 503 when nothing is built.
 */
export async function registerRenderer(
  app: FastifyInstance,
  rendererDir: string,
): Promise<(reply: FastifyReply) => FastifyReply> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return (reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('The renderer is not built. Run `npm run build` first.\n')
  }
  await app.register(fastifyStatic, {
    root: rendererDir,
    index: 'index.html',
    // `/assets` would otherwise redirect to `/assets/`; client-side routes never end in a slash.
    redirect: false,
    wildcard: true,
    cacheControl: false,
    dotfiles: 'deny',
    setHeaders: (reply, path) => {
      reply.header('Cache-Control', path.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable')
    },
  })
  return (reply) => reply.header('Cache-Control', 'no-store').sendFile('index.html')
}
