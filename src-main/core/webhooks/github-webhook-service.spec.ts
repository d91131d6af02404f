import { beforeEach, describe, expect, it } from 'vitest'
import { SettingsService } from '../settings/settings-service'
import { SettingsStore } from '../settings/settings-store'
import { PollStateStore } from '../polling/poll-state-store'
import { AppError } from '../shared/app-error'
import { DeliveryStore, DELIVERY_RETENTION_MS } from './delivery-store'
import { gitServiceTargets } from './git-service-targets'
import { GithubWebhookService, type WebhookDelivery } from './github-webhook-service'
import { githubSignature } from './signature'
import { ProjectStore } from '../projects/project-store'
import { capturingLogger, RecordingBuildStarter, seedGitService, testDb, testSecretBox } from './webhooks-test-support'
import type { Database } from '../../infra/sqlite/open-database'

const SECRET = 'a webhook secret for the specs'
const AFTER = 'b'.repeat(40)

let db: Database
let builds: RecordingBuildStarter
let settings: SettingsService
let deliveries: DeliveryStore
let pollState: PollStateStore
let service: GithubWebhookService
let log: ReturnType<typeof capturingLogger>
let now: Date

function pushBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ref: 'refs/heads/main',
    before: 'c'.repeat(40),
    after: AFTER,
    deleted: false,
    repository: {
      clone_url: 'https://github.com/acme/shop.git',
      ssh_url: 'git@github.com:acme/shop.git',
      git_url: 'git://github.com/acme/shop.git',
      html_url: 'https://github.com/acme/shop',
    },
    head_commit: { message: 'a commit message that must never be logged' },
    ...over,
  }
}

let counter = 0
function delivery(event: string, body: unknown, over: Partial<WebhookDelivery> = {}): WebhookDelivery {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
  return {
    event,
    deliveryId: `72d3162e-cc78-11e3-81ab-${String(++counter).padStart(12, '0')}`,
    signature: githubSignature(SECRET, raw),
    format: 'json',
    body: raw,
    ...over,
  }
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal')
    },
    (err: unknown) => err as AppError,
  )

beforeEach(async () => {
  db = testDb()
  builds = new RecordingBuildStarter()
  settings = new SettingsService(new SettingsStore(db), testSecretBox(db))
  await settings.update({ githubWebhookSecret: SECRET })
  deliveries = new DeliveryStore(db)
  pollState = new PollStateStore(db)
  log = capturingLogger()
  now = new Date('2026-12-02T12:00:00Z')
  service = new GithubWebhookService({
    webhookSecret: () => settings.webhookSecret(),
    deliveries,
    gitServices: gitServiceTargets(new ProjectStore(db)),
    builds,
    sawCommit: (s, commit) => pollState.recordCommit(s.id, s.git.url, s.git.ref, commit, now),
    alreadyBuilt: (serviceId, commit) => pollState.hasBuildOf(serviceId, commit, 'usable'),
    logger: log.logger,
    now: () => now,
  })
})

describe('GithubWebhookService', () => {
  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'main' })
    const d = delivery('push', pushBody())
    for (const signature of [undefined, '', 'sha256=' + '0'.repeat(64), githubSignature('another secret', d.body)]) {
      const err = await rejection(service.handle({ ...d, signature }))
      expect(err.code).toBe('unauthorized')
    }
    expect(deliveries.count()).toBe(0)
    expect(builds.requests).toEqual([])
  })

  it('refuses everything with 401 while no secret is set', async () => {
    await settings.update({ githubWebhookSecret: null })
    const err = await rejection(service.handle(delivery('ping', { zen: 'x' })))
    expect(err).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('No GitHub webhook secret') })
    expect(deliveries.count()).toBe(0)
  })

  it('answers 400 for a validly signed body that is not a JSON event, storing nothing', async () => {
    for (const body of ['not json', '[1,2]', '"text"', 'null', '']) {
      const err = await rejection(service.handle(delivery('push', body)))
      expect(err.code).toBe('validation')
    }
    const notAPush = await rejection(service.handle(delivery('push', { zen: 'hi' })))
    expect(notAPush.code).toBe('validation')
    const noDelivery = await rejection(service.handle(delivery('ping', {}, { deliveryId: undefined })))
    expect(noDelivery).toMatchObject({ code: 'validation', field: 'X-GitHub-Delivery' })
    const noEvent = await rejection(service.handle(delivery('', {}, { event: undefined })))
    expect(noEvent).toMatchObject({ code: 'validation', field: 'X-GitHub-Event' })
    expect(deliveries.count()).toBe(0)
  })

  it('answers a ping with 200', async () => {
    expect(await service.handle(delivery('ping', { zen: 'Keep it logically awesome.', hook_id: 1 }))).toEqual({
      status: 200,
      body: { ok: true, event: 'ping' },
    })
  })

  it('builds exactly the pushed commit of every matching service, then deploys those with autoDeploy', async () => {
    const a = seedGitService(db, { url: 'git@github.com:acme/shop.git', ref: 'main' }, { autoDeploy: true })
    const b = seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'main', poll: true })
    seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'develop' })
    seedGitService(db, { url: 'https://github.com/acme/other', ref: 'main' })
    const answer = await service.handle(delivery('push', pushBody()))
    expect(answer.status).toBe(202)
    expect(answer.body.builds).toHaveLength(2)
    expect(builds.requests.sort((x, y) => x.serviceId.localeCompare(y.serviceId))).toEqual(
      [
        { serviceId: a.serviceId, commit: AFTER, ref: 'main', trigger: 'webhook', deploy: true },
        { serviceId: b.serviceId, commit: AFTER, ref: 'main', trigger: 'webhook', deploy: false },
      ].sort((x, y) => x.serviceId.localeCompare(y.serviceId)),
    )
    // The poller will not build that commit again.
    expect(pollState.get(b.serviceId)?.lastCommit).toBe(AFTER)
  })

  it('takes the form-encoded content type too (payload=…)', async () => {
    seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'main' })
    const form = Buffer.from(new URLSearchParams({ payload: JSON.stringify(pushBody()) }).toString())
    const answer = await service.handle(
      delivery('push', '', { format: 'form', body: form, signature: githubSignature(SECRET, form) }),
    )
    expect(answer.status).toBe(202)
    expect(builds.requests).toHaveLength(1)
  })

  it('does nothing for a replayed delivery, and remembers deliveries for a week only', async () => {
    seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'main' })
    const d = delivery('push', pushBody())
    expect((await service.handle(d)).status).toBe(202)
    expect(await service.handle(d)).toEqual({ status: 200, body: { duplicate: true } })
    expect(builds.requests).toHaveLength(1)
    now = new Date(now.getTime() + DELIVERY_RETENTION_MS + 1000)
    expect((await service.handle(d)).status).toBe(202)
    expect(builds.requests).toHaveLength(2)
  })

  it('does nothing for a push that deletes the branch, or a tag, or an event it does not handle', async () => {
    seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'main' })
    const deleted = await service.handle(delivery('push', pushBody({ deleted: true, after: '0'.repeat(40) })))
    expect(deleted).toMatchObject({ status: 200, body: { ignored: true, reason: 'branch deleted' } })
    const tag = await service.handle(delivery('push', pushBody({ ref: 'refs/tags/v1' })))
    expect(tag).toMatchObject({ status: 200, body: { ignored: true } })
    const issue = await service.handle(delivery('issues', { action: 'opened' }))
    expect(issue).toEqual({ status: 200, body: { ignored: true, event: 'issues' } })
    expect(builds.requests).toEqual([])
  })

  it('builds nothing already built or building when a captured push comes again under a new delivery id', async () => {
    const { serviceId, projectId } = seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'main' })
    const insert = db.prepare(
      `INSERT INTO builds (id, service_id, project_id, host_id, status, trigger, ref, commit_sha, log_path, created_at,
         finished_at) VALUES (?, ?, ?, 'h', ?, 'webhook', 'main', ?, '/x.log', 'now', ?)`,
    )
    // A failed build of the commit may be tried again.
    insert.run('b1', serviceId, projectId, 'failed', AFTER, 'now')
    expect((await service.handle(delivery('push', pushBody()))).status).toBe(202)
    insert.run('b2', serviceId, projectId, 'running', AFTER, null)
    const again = await service.handle(delivery('push', pushBody()))
    expect(again).toEqual({ status: 200, body: { builds: [], skipped: [serviceId], failed: [] } })
    expect(builds.requests).toHaveLength(1)
  })

  it('reports a build that could not start, and still starts the others', async () => {
    seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'main' })
    builds.refuse = new AppError('host_unreachable', 'The host is not connected')
    const answer = await service.handle(delivery('push', pushBody()))
    expect(answer).toMatchObject({ status: 200, body: { builds: [], failed: [{ code: 'host_unreachable' }] } })
  })

  it('logs the event name and delivery id, never the body, the signature or the secret', async () => {
    seedGitService(db, { url: 'https://github.com/acme/shop', ref: 'main' })
    const d = delivery('push', pushBody())
    await service.handle(d)
    const text = log.lines().join('\n')
    expect(text).toContain(d.deliveryId)
    expect(text).toContain('"event":"push"')
    for (const secretish of [SECRET, d.signature!, 'a commit message that must never be logged', 'acme/shop'])
      expect(text).not.toContain(secretish)
  })
})
