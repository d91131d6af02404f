import type { Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify'
import fastifyWebsocket from '@fastify/websocket'
import type { ErrorBody } from '../../src-preload/contract/errors'
import type { Core } from '../bootstrap'
import type { Logger } from '../infra/logging/logger'
import { registerApi, UNAUTHORIZED } from './api-routes'
import { GITHUB_WEBHOOK_PATH, registerGithubWebhook } from './github-webhook-route'
import { errorBodyFor, sendError } from './http-errors'
import { authenticateRequest, createHostGuard, hostForUrl, singleHostHeader } from './request-guards'
import { registerRenderer, securityHeaders } from './static-files'
import { registerWebSocket, WS_MAX_MESSAGE_BYTES } from './ws-transport'

export interface HttpServerOptions {
  core: Core
  logger: Logger
  host: string
  port: number
  rendererDir: string
  /** Extra Host header names accepted besides the listen address, localhost and 127.0.0.1. */
  allowedHosts?: string[]
  /** REST requests one token may make per minute (default 1,200). */
  restRatePerMinute?: number
}

export interface RunningServer {
  url: string
  server: Server
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024

/**
 * The headless transport. Fastify owns parsing of request targets, headers, bodies and static paths;
 * our code sees only requests it has already parsed, and every failure on the way is a 4xx, never a throw.
 * Order for every request: request-target form → one Host header → Host guard (421) → the route's own
 * guards (token for /v1, Origin for the WebSocket) → parameters and body → the contract.
 */
/** A turn of the event loop through its I/O phase (a `setImmediate` can run before any I/O is read). */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { core } = options
  const log = options.logger.child({ scope: 'http' })
  let hostAllowed: (host: string) => boolean = () => false

  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    routerOptions: { maxParamLength: 256 },
    return503OnClosing: true,
    forceCloseConnections: true,
    // Slow clients must not pin connections: the whole request within 30 s, an idle socket closed after 2 min.
    connectionTimeout: 120_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    // A malformed URL fails in the router, before any hook: answer it with the same guards in front.
    frameworkErrors: (err, req, reply) => {
      // No hooks run on this path: what onSend does for every other answer is done here.
      securityHeaders(reply)
      closeRefusedUpgrade(req, reply)
      const refused = guardRequest(req)
      if (refused) return sendError(reply, refused)
      if (req.url.startsWith('/v1') && !authenticateRequest(req, core.tokens)) return sendError(reply, UNAUTHORIZED)
      sendError(reply, errorBodyFor(err))
    },
  })

  function guardRequest(req: FastifyRequest): ErrorBody | null {
    // Only origin-form targets: an absolute URL would carry an authority the Host guard never sees.
    if (!req.raw.url?.startsWith('/')) return { code: 'validation', message: 'The request target must be a path' }
    const host = singleHostHeader(req.raw.rawHeaders)
    if (host === null) return { code: 'validation', message: 'Exactly one Host header is required' }
    // GitHub sends whatever public name the operator gave it (a tunnel's, a proxy's). The Host guard stops DNS
    // rebinding from lending a page our ambient authority; the webhook has none to lend (its HMAC signature is
    // its only credential, and its answer says nothing), so that one path answers under any single Host.
    if (isWebhookPath(req) && req.method === 'POST') return null
    if (!hostAllowed(host)) return { code: 'misdirected', message: 'This server does not answer for that Host' }
    return null
  }

  app.addHook('onRequest', async (req, reply) => {
    const refused = guardRequest(req)
    if (refused) return sendError(reply, refused)
  })
  app.addHook('onSend', async (req, reply, payload) => {
    securityHeaders(reply)
    closeRefusedUpgrade(req, reply)
    return payload
  })
  // Only the path is logged: a query string could hold a token pasted by mistake.
  app.addHook('onResponse', async (req, reply) => {
    log.info(
      {
        method: req.method,
        path: (req.raw.url ?? '').split('?')[0]!.slice(0, 256),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    )
  })

  // The one error barrier for everything a route or hook throws: AppErrors keep their code, the
  // framework's own 4xx become ours, anything else is `internal` for this request and a log line.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const body = errorBodyFor(err)
    if (body.code === 'internal') log.error({ err, path: req.routeOptions.url }, 'unhandled error')
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy()
      return
    }
    sendError(reply, body)
  })

  app.removeAllContentTypeParsers()
  // Requiring JSON keeps cross-site form posts out: a browser cannot send this type without CORS preflight.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body: string, done) =>
    // An empty body with a JSON type (`fetch(url, {method: 'POST', headers})`) means "no input".
    body === '' ? done(null, undefined) : parseJson(req, body, done),
  )

  // Setting up the framework and the API routes holds the event loop for 50–70 ms at a time. The hosts' SSH
  // handshakes began before this and need it in between, or the first view after `listening` waits for them.
  await yieldToIo()
  await app.register(fastifyWebsocket, { options: { maxPayload: WS_MAX_MESSAGE_BYTES } })
  await app.register(async (scope) => registerWebSocket(scope, { core, logger: options.logger }))
  await yieldToIo()
  await app.register(async (scope) => registerApi(scope, { core, ratePerMinute: options.restRatePerMinute ?? 1200 }))
  await yieldToIo()
  await app.register(async (scope) => registerGithubWebhook(scope, { webhooks: core.webhooks }))
  const rendererFallback = await registerRenderer(app, options.rendererDir)
  // Unknown /v1 paths say 401 before 404, so an anonymous caller learns nothing about the routes;
  // every other GET is a client-side route of the renderer.
  app.setNotFoundHandler((req, reply) => {
    const path = (req.raw.url ?? '').split('?')[0]!
    if (path === '/v1' || path.startsWith('/v1/')) {
      if (!authenticateRequest(req, core.tokens)) return sendError(reply, UNAUTHORIZED)
      return sendError(reply, { code: 'not_found', message: `No route ${req.method} ${path.slice(0, 200)}` })
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(reply, { code: 'not_found', message: 'Not found' })
    return rendererFallback(reply)
  })

  // The safety net for the same: an upgrade socket that is not a WebSocket within 10 s is closed
  // (`ws` clears the timeout once the handshake completes).
  app.server.on('upgrade', (_req, socket: Socket) => socket.setTimeout(10_000, () => socket.destroy()))
  await app.listen({ port: options.port, host: options.host })
  const port = (app.server.address() as AddressInfo).port
  hostAllowed = createHostGuard(options.host, port, options.allowedHosts)

  return {
    url: `http://${hostForUrl(options.host)}:${port}`,
    server: app.server,
    close: () => app.close(),
  }
}

const isWebhookPath = (req: FastifyRequest): boolean => (req.raw.url ?? '').split('?')[0] === GITHUB_WEBHOOK_PATH

/**
 * A refused WebSocket upgrade (a successful one is hijacked and never gets here) leaves a socket
 * Node no longer manages: close it once the answer is written, or it stays open as long as the client likes.
 */
function closeRefusedUpgrade(req: FastifyRequest, reply: FastifyReply): void {
  if (req.headers.upgrade === undefined) return
  reply.header('Connection', 'close')
  const socket = req.raw.socket
  setImmediate(() => socket?.end())
}
