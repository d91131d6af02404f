import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../core/shared/app-error'
import type { GithubWebhookService, WebhookDelivery } from '../core/webhooks'
import { GITHUB_WEBHOOK_PATH } from '../core/settings/settings-service'
import { errorBodyFor, sendError } from './http-errors'

/** GitHub caps a delivery at 25 MB; a push of many commits is well under 5 MB, which is all we read. */
export const WEBHOOK_MAX_BODY_BYTES = 5 * 1024 * 1024
/** Deliveries per minute from one address before 429: generous for GitHub's bursts, a ceiling for a flood. */
const WEBHOOK_RATE_PER_MINUTE = 300

export { GITHUB_WEBHOOK_PATH }

const header = (req: FastifyRequest, name: string): string | undefined => {
  const value = req.headers[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * `POST /v1/webhooks/github`: not a contract route (GitHub has no token; the HMAC signature authenticates it), so
 * it lives in its own scope outside the `/v1` token hook, with its own content parsers that keep the raw body
 * (the signature is over those exact bytes), a 5 MB body limit (413, before anything is verified) and a rate
 * limit per client address. The Host guard does not apply to this one path (see http-server.ts).
 */
export async function registerGithubWebhook(
  app: FastifyInstance,
  options: { webhooks: GithubWebhookService },
): Promise<void> {
  app.removeAllContentTypeParsers()
  // Both types GitHub sends, as raw bytes; parsing waits until the signature is verified.
  for (const type of ['application/json', 'application/x-www-form-urlencoded'])
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: WEBHOOK_MAX_BODY_BYTES }, (_req, body, done) =>
      done(null, body),
    )
  await app.register(fastifyRateLimit, {
    // Before the body is read: a flood costs no 5 MB reads.
    hook: 'onRequest',
    max: WEBHOOK_RATE_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (req) => `webhook:${req.ip}`,
    errorResponseBuilder: (_req, context) =>
      new AppError('rate_limited', `More than ${context.max} webhook deliveries a minute; retry in ${context.after}`),
  })
  app.setErrorHandler((err, _req, reply) => {
    const body = errorBodyFor(err)
    if (body.code === 'payload_too_large')
      return sendError(reply, { code: 'payload_too_large', message: 'A webhook delivery may be at most 5 MB' })
    if (body.code === 'unsupported_media_type')
      return sendError(reply, {
        code: 'unsupported_media_type',
        message: 'Content-Type must be application/json or application/x-www-form-urlencoded',
      })
    // Everything else (our AppErrors, `internal`) goes to the server's one barrier, which logs what it must.
    throw err
  })
  app.post(GITHUB_WEBHOOK_PATH, { bodyLimit: WEBHOOK_MAX_BODY_BYTES }, async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    const delivery: WebhookDelivery = {
      event: header(req, 'x-github-event'),
      deliveryId: header(req, 'x-github-delivery'),
      signature: header(req, 'x-hub-signature-256'),
      format: (req.headers['content-type'] ?? '').toLowerCase().includes('x-www-form-urlencoded') ? 'form' : 'json',
      body,
    }
    const answer = await options.webhooks.handle(delivery)
    return reply
      .code(answer.status)
      .header('Cache-Control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(answer.body)
  })
}
