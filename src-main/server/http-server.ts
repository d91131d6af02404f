import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ErrorBody } from '../../src-preload/contract/errors'
import { WS_PATH } from '../../src-preload/contract/ws-protocol'
import type { Core } from '../bootstrap'
import { AppError, isAppError, toErrorBody } from '../core/shared/app-error'
import type { Logger } from '../infra/logging/logger'
import { HTTP_STATUS } from './http-status'
import { authenticateRequest, createHostGuard, hostForUrl } from './request-guards'
import { matchRoute } from './rest-routes'
import { securityHeaders, serveStatic } from './static-files'
import { attachWebSocket } from './ws-transport'

export interface HttpServerOptions {
  core: Core
  logger: Logger
  host: string
  port: number
  rendererDir: string
  /** Extra Host header names accepted besides the listen address, localhost and 127.0.0.1. */
  allowedHosts?: string[]
}

export interface RunningServer {
  url: string
  server: Server
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  securityHeaders(res)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  })
  res.end(text)
}

function sendError(res: ServerResponse, error: ErrorBody, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  sendJson(res, HTTP_STATUS[error.code], { error })
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new AppError('validation', 'Request body is larger than 1 MiB')
    chunks.push(chunk)
  }
  if (size === 0) return undefined
  // Requiring JSON keeps cross-site form posts out: a browser cannot send this type without CORS preflight.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new AppError('validation', 'Content-Type must be application/json')
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new AppError('validation', 'Request body is not valid JSON')
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { core, logger } = options
  const log = logger.child({ scope: 'http' })
  const server = createServer()
  let hostAllowed: (req: IncomingMessage) => boolean = () => false

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET'
    if (url.pathname === '/v1/health' && method === 'GET') {
      sendJson(res, 200, { status: 'ok', version: core.system.info().version })
      return
    }
    const matched = matchRoute(method, url.pathname)
    if (!matched) return sendError(res, { code: 'not_found', message: `No route ${method} ${url.pathname}` })
    // Authenticate before revealing anything else about the route (even its allowed methods).
    const caller = authenticateRequest(req, core.tokens)
    if (!caller) {
      return sendError(
        res,
        { code: 'unauthorized', message: 'A valid token is required in the Authorization header (Bearer)' },
        { 'WWW-Authenticate': 'Bearer' },
      )
    }
    if ('allowed' in matched) {
      return sendError(
        res,
        { code: 'not_found', message: `No route ${method} ${url.pathname}` },
        { Allow: matched.allowed.join(', ') },
      )
    }
    const body = await readJsonBody(req)
    const input = matched.route.input(matched.params, body ?? {}, url.searchParams)
    const value = await core.dispatcher.invoke(matched.route.request, input, {
      role: caller.role,
      actor: `token:${caller.id}`,
    })
    if (matched.route.render) {
      const { contentType, body: text } = matched.route.render(value)
      securityHeaders(res)
      res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
      res.end(text)
    } else if (matched.route.status === 204) {
      securityHeaders(res)
      res.writeHead(204, { 'Cache-Control': 'no-store' })
      res.end()
    } else {
      sendJson(res, matched.route.status ?? 200, value)
    }
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint()
    // Only the path is ever logged: a query string could hold a token pasted by mistake.
    const url = new URL(req.url ?? '/', 'http://internal')
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      log.info(
        { method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      )
    })
    if (!hostAllowed(req)) {
      sendError(res, { code: 'misdirected', message: 'This server does not answer for that Host' })
      return
    }
    if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) {
      handleApi(req, res, url).catch((err: unknown) => {
        if (!isAppError(err)) log.error({ err, path: url.pathname }, 'unhandled error')
        if (!res.headersSent) sendError(res, toErrorBody(err))
        else res.destroy()
      })
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, { code: 'not_found', message: 'Not found' })
      return
    }
    serveStatic(options.rendererDir, url.pathname, res, req.method === 'HEAD')
  })

  const ws = attachWebSocket(server, { core, logger, path: WS_PATH, hostAllowed: (req) => hostAllowed(req) })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  hostAllowed = createHostGuard(options.host, port, options.allowedHosts)

  return {
    url: `http://${hostForUrl(options.host)}:${port}`,
    server,
    close: async () => {
      ws.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
