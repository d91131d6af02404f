import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Core } from '../bootstrap'
import { AppError } from '../core/shared/app-error'
import type { AuthenticatedToken } from '../core/tokens'
import { sendError } from './http-errors'
import { authenticateRequest } from './request-guards'
import { REST_ROUTES, type RestRoute } from './rest-routes'

declare module 'fastify' {
  interface FastifyRequest {
    caller?: AuthenticatedToken
  }
}

export const UNAUTHORIZED = {
  code: 'unauthorized',
  message: 'A valid token is required in the Authorization header (Bearer)',
} as const

interface ApiOptions {
  core: Core
  ratePerMinute: number
}

/**
 * REST under /v1: each route runs exactly one contract request through the dispatcher. The token is
 * checked in `onRequest`, before the body is read and before any parameter reaches our code.
 */
export async function registerApi(app: FastifyInstance, { core, ratePerMinute }: ApiOptions): Promise<void> {
  app.get('/v1/health', async () => ({ status: 'ok', version: core.system.info().version }))

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      const caller = authenticateRequest(req, core.tokens)
      if (!caller) return sendError(reply, UNAUTHORIZED)
      req.caller = caller
    })
    await scope.register(fastifyRateLimit, {
      hook: 'preHandler',
      max: ratePerMinute,
      timeWindow: 60_000,
      keyGenerator: (req) => `token:${req.caller?.id ?? ''}`,
      errorResponseBuilder: (_req, context) =>
        new AppError(
          'rate_limited',
          `More than ${context.max} requests a minute with this token; retry in ${context.after}`,
        ),
    })
    for (const route of REST_ROUTES) {
      scope.route({ method: route.method, url: route.path, handler: (req, reply) => handle(core, route, req, reply) })
    }
  })
}

async function handle(core: Core, route: RestRoute, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const caller = req.caller!
  const url = req.raw.url ?? ''
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '')
  const input = route.input(req.params as Record<string, string>, req.body ?? {}, query)
  const value = await core.dispatcher.invoke(route.request, input, { role: caller.role, actor: `token:${caller.id}` })
  reply.header('Cache-Control', 'no-store')
  if (route.render) {
    const { contentType, body } = route.render(value)
    return reply.type(contentType).send(body)
  }
  if (route.status === 204) return reply.code(204).send()
  return reply
    .code(route.statusOf?.(value) ?? route.status ?? 200)
    .type('application/json; charset=utf-8')
    .send(value)
}
