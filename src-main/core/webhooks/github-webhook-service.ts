import type { Logger } from '../../infra/logging/logger'
import { AppError } from '../shared/app-error'
import type { BuildStarter } from '../shared/cicd-ports'
import type { DeliveryStore } from './delivery-store'
import { decidePush, PushEvent, type GitServiceTarget } from './push-matching'
import { verifyGithubSignature } from './signature'

/** A request to the webhook route, as the transport read it: the raw body, never parsed before it is verified. */
export interface WebhookDelivery {
  event: string | undefined
  deliveryId: string | undefined
  signature: string | undefined
  /** GitHub's two content types: the JSON itself, or a form whose `payload` field holds it. */
  format: 'json' | 'form'
  body: Buffer
}

export interface WebhookAnswer {
  status: 200 | 202
  body: Record<string, unknown>
}

export interface WebhookDeps {
  webhookSecret: () => Promise<string | null>
  deliveries: DeliveryStore
  gitServices: () => GitServiceTarget[]
  builds: BuildStarter
  /** A push that started a build of a service's branch: the poller must not build that commit again. */
  sawCommit: (service: GitServiceTarget, commit: string) => void
  /**
   * Whether the service has a queued, running or succeeded build of the commit. The delivery id is not signed, so
   * a captured push could be replayed under new ids: it then builds nothing that is built or being built.
   */
  alreadyBuilt: (serviceId: string, commit: string) => boolean
  logger: Logger
  now?: () => Date
}

/** GitHub's delivery ids are GUIDs; anything of that alphabet and size is kept, nothing else is stored. */
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/
const EVENT_NAME = /^[a-z_]{1,64}$/

const unauthorized = (message: string) => new AppError('unauthorized', message)

/**
 * GitHub webhooks. Order: signature over the raw body (no secret set, or a missing or wrong signature: 401, and
 * nothing is read or stored) → the body as a JSON event (400) → dedupe on the delivery id (a replay answers 200
 * `duplicate` and does nothing) → the event: `ping` 200, `push` builds the pushed commit of every matching
 * service (202 with the build ids), anything else 200 ignored. Only the event name and delivery id are logged.
 */
export class GithubWebhookService {
  private readonly now: () => Date

  constructor(private readonly deps: WebhookDeps) {
    this.now = deps.now ?? (() => new Date())
  }

  async handle(delivery: WebhookDelivery): Promise<WebhookAnswer> {
    const secret = await this.deps.webhookSecret()
    // Without a secret nothing can be verified: refused like a bad signature (GitHub shows the message).
    if (secret === null) throw unauthorized('No GitHub webhook secret is set in Settings: webhooks are refused')
    if (!verifyGithubSignature(secret, delivery.body, delivery.signature))
      throw unauthorized('Missing or wrong X-Hub-Signature-256')

    const payload = parsePayload(delivery)
    const event = delivery.event
    if (event === undefined || !EVENT_NAME.test(event))
      throw new AppError('validation', 'Missing or malformed X-GitHub-Event', 'X-GitHub-Event')
    const deliveryId = delivery.deliveryId
    if (deliveryId === undefined || !DELIVERY_ID.test(deliveryId))
      throw new AppError('validation', 'Missing or malformed X-GitHub-Delivery', 'X-GitHub-Delivery')
    const push = event === 'push' ? PushEvent.safeParse(payload) : undefined
    if (push && !push.success) throw new AppError('validation', 'Not a GitHub push event', 'body')

    const log = this.deps.logger.child({ event, delivery: deliveryId })
    if (!this.deps.deliveries.claim(deliveryId, event, this.now())) {
      log.info('duplicate webhook delivery ignored')
      return { status: 200, body: { duplicate: true } }
    }
    if (event === 'ping') return { status: 200, body: { ok: true, event } }
    if (!push) return { status: 200, body: { ignored: true, event } }

    const decision = decidePush(push.data!, this.deps.gitServices())
    if (decision.kind === 'ignored') {
      log.info({ reason: decision.reason }, 'push ignored')
      return { status: 200, body: { ignored: true, event, reason: decision.reason } }
    }
    const builds: string[] = []
    const skipped: string[] = []
    const failed: { serviceId: string; code: string; message: string }[] = []
    for (const service of decision.services) {
      if (this.deps.alreadyBuilt(service.id, decision.commit)) {
        skipped.push(service.id)
        continue
      }
      try {
        const started = this.deps.builds.startBuild({
          serviceId: service.id,
          commit: decision.commit,
          ref: decision.branch,
          trigger: 'webhook',
          deploy: service.autoDeploy,
        })
        builds.push(started.buildId)
        this.deps.sawCommit(service, decision.commit)
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'internal'
        const message = err instanceof AppError ? err.message : 'Internal error'
        if (code === 'internal') log.error({ err, serviceId: service.id }, 'push could not start a build')
        failed.push({ serviceId: service.id, code, message })
      }
    }
    log.info({ builds: builds.length, skipped: skipped.length, failed: failed.length }, 'push handled')
    const body = { builds, skipped, failed }
    return builds.length > 0 ? { status: 202, body } : { status: 200, body }
  }
}

/** The event as a JSON object, from either content type; anything else is a 400. */
function parsePayload(delivery: WebhookDelivery): Record<string, unknown> {
  let text = delivery.body.toString('utf8')
  if (delivery.format === 'form') {
    const payload = new URLSearchParams(text).get('payload')
    if (payload === null) throw new AppError('validation', 'A form-encoded delivery needs a payload field', 'payload')
    text = payload
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('validation', 'The body is not a JSON event', 'body')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AppError('validation', 'The body is not a JSON event', 'body')
  return value as Record<string, unknown>
}
