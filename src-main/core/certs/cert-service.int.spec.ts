import { createPrivateKey, createPublicKey } from 'node:crypto'
import { X509Certificate } from '@peculiar/x509'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../../e2e/fixtures/free-port'
import { mapDomain, unmapDomain } from '../../../e2e/fixtures/pebble'
import { testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { AppError } from '../shared/app-error'
import { CertService } from './cert-service'
import { CERT_ISSUE_JOB, certLockKey, type CertJobPayload } from './cert-job'
import { CertStore } from './cert-store'
import { certHarness, LoopbackChallengeProxy, TableRoutes, type CertHarness } from './cert-test-support'

/**
 * CertService's bookkeeping (jobs, statuses, backoff, notifications, the scheduler) against the test bed's real
 * pebble. The proxy is a fake of its challenge location only (LoopbackChallengeProxy, on 127.0.0.3, to which
 * pebble-challtestsrv resolves this spec's domains), so this spec can run beside the ones using the real proxy.
 */
const DAY = 86_400_000
let env: TestbedEnv
let h: CertHarness
let proxy: LoopbackChallengeProxy
let routes: TableRoutes
let service: CertService
let clock: Date | null = null
let directoryUrl = ''
const run = Math.random().toString(36).slice(2, 8)
const d = (name: string) => `${name}-${run}.svc.test`
const domains = [d('a'), d('b'), d('fail'), d('late'), d('cancel'), d('adopt'), d('refused'), d('put')]

beforeAll(async () => {
  env = testbedEnv()
  directoryUrl = env.pebbleDirectory
  h = certHarness()
  proxy = new LoopbackChallengeProxy()
  await proxy.listen(env.pebbleHttpPort, '127.0.0.3')
  for (const domain of domains) await mapDomain(env, domain, '127.0.0.3')
  routes = new TableRoutes()
  service = new CertService({
    store: new CertStore(h.db),
    box: h.box,
    jobs: h.jobs,
    events: h.events,
    proxy,
    routes,
    tlsDomains: () => routes.tlsDomains(),
    acme: () => ({ directoryUrl, email: 'ops@example.com' }),
    notify: h.notify,
    logger: h.logger,
    caFile: env.pebbleCaFile,
    now: () => clock ?? new Date(),
    random: () => 0.5,
  })
  service.registerJobs()
  h.jobs.start()
})

afterAll(async () => {
  service?.dispose()
  h?.dispose()
  for (const domain of domains) await unmapDomain(env, domain).catch(() => undefined)
  await proxy?.close()
})

async function issued(domain: string) {
  const { jobId } = service.issue(domain)
  const job = await h.until(jobId, 'succeeded', 'failed', 'canceled')
  return { jobId, job }
}

describe('issuing', () => {
  it('refuses a domain no route serves, naming what to do', () => {
    expect(() => service.issue(d('a'))).toThrowError(
      new AppError('validation', `Add a route for ${d('a')} first`, 'domain'),
    )
    expect(() => service.issue('not a domain')).toThrowError(AppError)
  })

  it('orders, stores the chain with the key sealed, plans renewal by lifetime, applies the proxy and notifies', async () => {
    routes.hosts.set(d('a'), ['host1', 'host2'])
    const { jobId, job } = await issued(d('a'))
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded')
    expect(job.progress).toBe(100)
    expect(proxy.challengeHosts.at(-1)).toEqual(['host1', 'host2'])
    expect(proxy.tokens.size).toBe(0)
    expect(proxy.applied.slice(-2)).toEqual(['host1', 'host2'])

    const summary = service.status(d('a'))
    expect(summary).toMatchObject({ domain: d('a'), status: 'valid', failures: 0, lastError: null, jobId: null })
    expect(summary.hostIds).toEqual(['host1', 'host2'])
    const lifetime = Date.parse(summary.notAfter!) - Date.parse(summary.notBefore!)
    expect(summary.renewalSource).toBe('lifetime')
    const expected = Date.parse(summary.notAfter!) - lifetime / 3 - lifetime * 0.005
    expect(Math.abs(Date.parse(summary.renewalDueAt!) - expected)).toBeLessThanOrEqual(1)

    const serving = (await service.servingCertificate(d('a')))!
    const leaf = new X509Certificate(serving.chainPem)
    expect(leaf.serialNumber.toLowerCase()).toBe(summary.serial)
    expect(serving.serial).toBe(summary.serial)
    // The key belongs to the certificate.
    const fromKey = createPublicKey(createPrivateKey(serving.keyPem)).export({ type: 'spki', format: 'der' })
    expect(Buffer.from(leaf.publicKey.rawData).equals(fromKey)).toBe(true)

    // At rest: the key only sealed, the account key too; neither ever logged.
    const raw = h.db.prepare('SELECT sealed_key FROM certificates WHERE domain = ?').get(d('a')) as {
      sealed_key: string
    }
    expect(raw.sealed_key).toMatch(/^gsb1:/)
    const account = new CertStore(h.db).account()!
    expect(account.sealedKey).toMatch(/^gsb1:/)
    expect(account.accountUrl).toMatch(/^https:\/\/127\.0\.0\.1/)
    expect(JSON.stringify(h.db.prepare('SELECT * FROM settings').all())).not.toContain('PRIVATE KEY')
    expect(h.logLines()).not.toContain('PRIVATE KEY')
    const log = h.jobs.watchLog(jobId, { onLines: () => undefined, onEnd: () => undefined })
    expect(log.kept.length).toBeGreaterThan(0)
    expect(JSON.stringify(log.kept)).not.toContain('PRIVATE KEY')

    expect(h.notified.at(-1)).toMatchObject({ kind: 'cert.issued', title: `Certificate issued for ${d('a')}` })
    expect(h.certEvents).toContain(d('a'))
  })

  it('answers the running job instead of starting a second one', async () => {
    routes.hosts.set(d('b'), ['host1'])
    const first = service.issue(d('b'))
    expect(service.issue(d('b'))).toEqual(first)
    expect(service.renew(d('b'))).toEqual(first)
    expect(service.ensureCertificate(d('b'))).toBeNull()
    expect((await h.until(first.jobId, 'succeeded', 'failed')).status).toBe('succeeded')
    // Valid now: nothing to ensure.
    expect(service.ensureCertificate(d('b'))).toBeNull()
  })

  it('keeps a certificate the proxy refused, fails the job with the proxy’s words, and installs it at a check', async () => {
    routes.hosts.set(d('refused'), ['host1'])
    proxy.refuse = 'nginx: [emerg] cannot load certificate'
    try {
      const { job } = await issued(d('refused'))
      expect(job.status).toBe('failed')
      expect(job.error?.code).toBe('proxy_rejected')
      expect(job.error?.message).toContain('is issued and stored')
      expect(job.error?.message).toContain('host1: nginx: [emerg] cannot load certificate')
      const summary = service.status(d('refused'))
      expect(summary).toMatchObject({ status: 'valid', failures: 0, nextAttemptAt: null, jobId: null })
      expect(summary.lastError?.message).toBe(job.error?.message)
      expect(await service.servingCertificate(d('refused'))).not.toBeNull()
      expect(h.notified.at(-1)).toMatchObject({
        kind: 'cert.failed',
        title: `Certificate for ${d('refused')} is not served`,
      })
      expect(h.notified.some((n) => n.kind === 'cert.issued' && n.title.includes(d('refused')))).toBe(false)

      // Still refused: the check applies again but orders nothing and keeps the proxy's words.
      await service.check()
      expect(service.status(d('refused'))).toMatchObject({ status: 'valid', failures: 0, jobId: null })
      expect(service.status(d('refused')).serial).toBe(summary.serial)
      expect(service.status(d('refused')).lastError?.message).toContain('cannot load certificate')
    } finally {
      proxy.refuse = null
    }
    const applied = proxy.applied.length
    await service.check()
    expect(proxy.applied.slice(applied)).toEqual(['host1'])
    expect(service.status(d('refused'))).toMatchObject({ status: 'valid', lastError: null, jobId: null })
  })

  it('renews on demand with a new key and serial, though not due', async () => {
    const before = service.status(d('a'))
    const { jobId } = service.renew(d('a'))
    expect((await h.until(jobId, 'succeeded', 'failed')).status).toBe('succeeded')
    const after = service.status(d('a'))
    expect(after.serial).not.toBe(before.serial)
    expect((await service.servingCertificate(d('a')))!.serial).toBe(after.serial)
  })
})

describe('failing', () => {
  it('records the CA’s words, backs off, notifies, and ensureCertificate waits for the backoff', async () => {
    routes.hosts.set(d('fail'), ['host1'])
    proxy.silent = true
    try {
      const started = Date.now()
      const { job } = await issued(d('fail'))
      expect(job.status).toBe('failed')
      expect(job.error?.code).toBe('acme_failed')
      expect(job.error?.message).toMatch(/returned 404/)
      const summary = service.status(d('fail'))
      expect(summary.status).toBe('failed')
      expect(summary.failures).toBe(1)
      expect(summary.lastError?.message).toBe(job.error?.message)
      // 5 minutes (random 0.5 gives no jitter) after the failure.
      const next = Date.parse(summary.nextAttemptAt!)
      expect(next).toBeGreaterThanOrEqual(started + 5 * 60_000)
      expect(next).toBeLessThanOrEqual(Date.now() + 5 * 60_000)
      expect(proxy.tokens.size).toBe(0)
      expect(h.notified.at(-1)).toMatchObject({ kind: 'cert.failed' })
      expect(h.notified.at(-1)!.body).toContain('returned 404')
      expect(service.ensureCertificate(d('fail'))).toBeNull()
      // The retry fails too: recorded and backed off further, but the operator heard of it once already.
      const said = h.notified.filter((n) => n.kind === 'cert.failed').length
      expect((await issued(d('fail'))).job.status).toBe('failed')
      expect(service.status(d('fail')).failures).toBe(2)
      expect(h.notified.filter((n) => n.kind === 'cert.failed')).toHaveLength(said)
    } finally {
      proxy.silent = false
    }
  })

  it('removes the challenge a put left on some host when it failed on another', async () => {
    routes.hosts.set(d('put'), ['host1', 'host2'])
    proxy.putFails = 'host2: the Docker engine did not answer'
    try {
      const { job } = await issued(d('put'))
      expect(job.status).toBe('failed')
      expect(job.error?.message).toContain('the Docker engine did not answer')
      expect(proxy.tokens.size).toBe(0)
      expect(service.status(d('put'))).toMatchObject({ status: 'failed', failures: 1 })
    } finally {
      proxy.putFails = null
      // Unrouted, so that no later check retries it behind another spec's back.
      routes.hosts.delete(d('put'))
    }
  })

  it('is ordered again by the scheduler once the backoff has passed, not before', async () => {
    const failed = service.status(d('fail'))
    const next = Date.parse(failed.nextAttemptAt!)
    try {
      clock = new Date(next - 1000)
      await service.check()
      expect(service.status(d('fail'))).toMatchObject({ jobId: null, failures: 2 })
      clock = new Date(next + 1000)
      await service.check()
      const retry = service.status(d('fail'))
      expect(retry.jobId).not.toBeNull()
      expect((await h.until(retry.jobId!, 'succeeded', 'failed')).status).toBe('succeeded')
      expect(service.status(d('fail'))).toMatchObject({
        status: 'valid',
        failures: 0,
        lastError: null,
        nextAttemptAt: null,
      })
    } finally {
      clock = null
    }
  })
})

describe('canceling', () => {
  it('puts the row back as it was, counts no failure and removes the challenge', async () => {
    routes.hosts.set(d('cancel'), ['host1'])
    let release!: () => void
    proxy.hold = new Promise<void>((resolve) => (release = resolve))
    const put = new Promise<void>((resolve) => (proxy.onPut = resolve))
    try {
      const { jobId } = service.issue(d('cancel'))
      await put
      expect(service.status(d('cancel'))).toMatchObject({ status: 'issuing', jobId })
      h.jobs.cancel(jobId)
      release()
      expect((await h.until(jobId, 'canceled', 'failed', 'succeeded')).status).toBe('canceled')
      expect(service.status(d('cancel'))).toMatchObject({
        status: 'pending',
        failures: 0,
        jobId: null,
        lastError: null,
      })
      expect(proxy.tokens.size).toBe(0)
      expect(h.notified.some((n) => n.title.includes(d('cancel')))).toBe(false)
      // Someone said stop: neither the scheduler nor a route starts it again before one backoff step.
      const next = Date.parse(service.status(d('cancel')).nextAttemptAt!)
      expect(next).toBeGreaterThan(Date.now())
      expect(next).toBeLessThanOrEqual(Date.now() + 5.5 * 60_000)
      await service.check()
      expect(service.status(d('cancel')).jobId).toBeNull()
      expect(service.ensureCertificate(d('cancel'))).toBeNull()
    } finally {
      proxy.hold = null
      proxy.onPut = null
    }
  })

  it('settles a row whose job is gone (glinrdock stopped mid-order) at the next check', async () => {
    const store = new CertStore(h.db)
    const at = new Date().toISOString()
    store.ensure(d('orphan'), at)
    store.update(d('orphan'), { status: 'issuing', jobId: 'nosuchjob000' }, at)
    await service.check()
    // No route serves it, so nothing is ordered either.
    expect(service.status(d('orphan'))).toMatchObject({ status: 'pending', jobId: null })
  })
  it('defers the next order by one backoff step when the job was canceled while still queued', async () => {
    const domain = d('queued')
    routes.hosts.set(domain, ['host1'])
    try {
      const store = new CertStore(h.db)
      const at = new Date().toISOString()
      store.ensure(domain, at)
      const job = h.jobs.enqueue({
        kind: CERT_ISSUE_JOB,
        lockKey: certLockKey(domain),
        payload: { domain, reason: 'issue' } satisfies CertJobPayload,
      })
      store.update(domain, { jobId: job.id }, at)
      expect(h.jobs.cancel(job.id).status).toBe('canceled')
      await service.check()
      const settled = service.status(domain)
      expect(settled).toMatchObject({ status: 'pending', jobId: null, failures: 0 })
      expect(Date.parse(settled.nextAttemptAt!)).toBeGreaterThan(Date.now())
      expect(service.ensureCertificate(domain)).toBeNull()
    } finally {
      routes.hosts.delete(domain)
    }
  })
})

describe('the renewal scheduler', () => {
  it('orders for a domain asking HTTPS that no order was ever started for', async () => {
    routes.hosts.set(d('adopt'), ['host1'])
    expect(new CertStore(h.db).get(d('adopt'))).toBeNull()
    await service.check()
    const started = service.status(d('adopt'))
    expect(started.jobId).not.toBeNull()
    expect((await h.until(started.jobId!, 'succeeded', 'failed')).status).toBe('succeeded')
    expect(service.status(d('adopt'))).toMatchObject({ status: 'valid', failures: 0, jobId: null })
  })

  it('renews what is due, and warns once a day when renewal keeps failing close to expiry', async () => {
    routes.hosts.set(d('late'), ['host1'])
    expect((await issued(d('late'))).job.status).toBe('succeeded')
    const cert = service.status(d('late'))
    const notAfter = Date.parse(cert.notAfter!)

    // Due: the check starts a renewal, which succeeds.
    clock = new Date(Date.parse(cert.renewalDueAt!) + 1000)
    await service.check()
    const renewing = service.status(d('late'))
    expect(renewing.jobId).not.toBeNull()
    expect((await h.until(renewing.jobId!, 'succeeded', 'failed')).status).toBe('succeeded')
    const renewed = service.status(d('late'))
    expect(renewed.serial).not.toBe(cert.serial)

    // Three days before the new one ends, renewal fails: expiring, warned once. It fails at the CA's door, not
    // at the challenge: a CA may reuse the authorization it just validated (pebble did, about 1 order in 100,
    // even with PEBBLE_AUTHZREUSE=0), and the order then succeeds without asking the proxy anything.
    const newEnd = Date.parse(renewed.notAfter!)
    expect(newEnd).toBeGreaterThan(notAfter - DAY)
    directoryUrl = `https://127.0.0.1:${await freePort()}/dir`
    try {
      clock = new Date(newEnd - 3 * DAY)
      await service.check()
      const failing = service.status(d('late'))
      expect(failing.jobId).not.toBeNull()
      expect((await h.until(failing.jobId!, 'failed')).error?.code).toBe('acme_failed')
      expect(service.status(d('late'))).toMatchObject({ status: 'expiring', failures: 1 })
      const warnings = () => h.notified.filter((n) => n.kind === 'cert.expiring' && n.title.includes(d('late')))
      expect(warnings()).toHaveLength(1)

      // The same day (before the backoff ends): no second warning, no order.
      clock = new Date(newEnd - 3 * DAY + 60_000)
      await service.check()
      expect(warnings()).toHaveLength(1)
      expect(service.status(d('late')).jobId).toBeNull()

      // A day later the retry fails again: warned again.
      clock = new Date(newEnd - 2 * DAY)
      await service.check()
      const retry = service.status(d('late'))
      expect(retry.jobId).not.toBeNull()
      await h.until(retry.jobId!, 'failed')
      expect(service.status(d('late'))).toMatchObject({ status: 'expiring', failures: 2 })
      expect(warnings()).toHaveLength(2)

      // Past its end it is expired and no longer served.
      clock = new Date(newEnd + 1000)
      proxy.silent = true
      routes.hosts.set(d('late'), [])
      await service.check()
      expect(service.status(d('late')).status).toBe('expired')
      expect(await service.servingCertificate(d('late'))).toBeNull()
    } finally {
      directoryUrl = env.pebbleDirectory
      proxy.silent = false
      clock = null
    }
  })

  it('lists certificates by expiry, those without one last', () => {
    const list = service.list()
    const ends = list.map((c) => c.notAfter)
    const dated = ends.filter((e): e is string => e !== null)
    expect(dated).toEqual([...dated].sort((a, b) => Date.parse(a) - Date.parse(b)))
    expect(ends.indexOf(null) === -1 || ends.slice(ends.indexOf(null)).every((e) => e === null)).toBe(true)
    expect(list.map((c) => c.domain)).toContain(d('fail'))
  })
})
