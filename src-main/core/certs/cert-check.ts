import { toAsciiDomain } from '../../../src-preload/contract/routes'
import type { JobStatus } from '../../../src-preload/contract/jobs'
import { isFinished } from '../jobs'
import type { AcmeConnection } from './acme-http'
import { applyProxies, notifyExpiring, type CertJobPayload } from './cert-job'
import { dateOf, type CertCoreDeps } from './cert-deps'
import type { CertRow } from './cert-store'
import type { RenewalPlanner } from './renewal-planner'
import { attemptDue, expiryWarningDue, failureBackoffMs, restingStatus } from './renewal-schedule'

/** What one scheduler pass uses of the service. */
export interface CheckContext {
  deps: CertCoreDeps & { tlsDomains?: () => string[] }
  now: () => Date
  random: () => number
  planner: RenewalPlanner
  connection(directoryUrl: string): AcmeConnection
  startJob(domain: string, reason: CertJobPayload['reason']): string
  jobStatus(jobId: string | null): JobStatus | null
}

/**
 * One pass of the renewal scheduler, level-triggered and safe to run at any time: adopt the HTTPS domains without
 * a row, settle rows whose job is gone, refresh ARI windows, update statuses, warn about expiry once a day,
 * install again what a proxy refused, and start the orders that are due.
 */
export async function checkCertificates(c: CheckContext, signal: AbortSignal): Promise<void> {
  adoptTlsDomains(c)
  for (const initial of c.deps.store.all()) {
    if (signal.aborted) return
    let row = initial
    if (row.jobId) {
      const job = c.jobStatus(row.jobId)
      if (job !== null && !isFinished(job)) continue
      row = settleOrphan(c, row)
    }
    row = await refreshPlan(c, row, signal)
    const now = c.now()
    const status = restingStatus({ notAfter: dateOf(row.notAfter), failures: row.failures }, now)
    const warn = expiryWarningDue(status, dateOf(row.expiryWarnedAt), now)
    if (status !== row.status || warn) {
      row = c.deps.store.update(
        row.domain,
        { status, ...(warn ? { expiryWarnedAt: now.toISOString() } : {}) },
        now.toISOString(),
      )
      c.deps.events.emit('certs.changed', { domain: row.domain })
      if (warn) notifyExpiring(c.deps, row.domain, row.notAfter!, row.lastError)
    }
    const state = {
      notAfter: dateOf(row.notAfter),
      renewalDueAt: dateOf(row.renewalDueAt),
      nextAttemptAt: dateOf(row.nextAttemptAt),
      failures: row.failures,
    }
    const hosts = c.deps.routes.hostsForDomain(row.domain)
    if (hosts.length === 0) continue
    if (!attemptDue(state, now)) {
      if (row.failures === 0 && row.lastError && status === 'valid') await installAgain(c, row, hosts, signal)
      continue
    }
    try {
      c.startJob(row.domain, row.chainPem ? 'renew' : 'issue')
    } catch (err) {
      c.deps.logger.error({ err, domain: row.domain }, 'could not start a certificate order')
    }
  }
}

/** A `pending` row for each HTTPS domain without one: due at once (`attemptDue`), like a route just added. */
function adoptTlsDomains(c: CheckContext): void {
  let domains: string[]
  try {
    domains = c.deps.tlsDomains?.() ?? []
  } catch (err) {
    c.deps.logger.error({ err }, 'could not list the domains asking for HTTPS')
    return
  }
  for (const domain of domains) {
    const ascii = toAsciiDomain(domain)
    if (ascii && !c.deps.store.get(ascii)) {
      c.deps.store.ensure(ascii, c.now().toISOString())
      c.deps.events.emit('certs.changed', { domain: ascii })
    }
  }
}

/**
 * A stored, valid certificate whose install a proxy refused (the only way a row without failures has an
 * error): apply again; an apply equal to the live configuration does nothing, so this is safe to repeat.
 */
async function installAgain(c: CheckContext, row: CertRow, hosts: string[], signal: AbortSignal): Promise<void> {
  const refused = await applyProxies(c.deps, row.domain, hosts, { signal }).catch(() => null)
  if (signal.aborted) return
  const now = c.now().toISOString()
  if (refused === null) c.deps.store.update(row.domain, { lastError: null, lastErrorAt: null }, now)
  else c.deps.store.update(row.domain, { lastError: refused, lastErrorAt: now }, now)
  c.deps.events.emit('certs.changed', { domain: row.domain })
}

/** A row whose job ended without settling it (glinrdock stopped mid-order): back to its resting status. */
function settleOrphan(c: CheckContext, row: CertRow): CertRow {
  const now = c.now()
  const status = restingStatus({ notAfter: dateOf(row.notAfter), failures: row.failures }, now)
  // Canceled before it ever ran (a queued job): deferred like a cancel the job itself saw (`runCertJob`).
  const deferred =
    c.jobStatus(row.jobId) === 'canceled' && !(row.nextAttemptAt && Date.parse(row.nextAttemptAt) > now.getTime())
      ? { nextAttemptAt: new Date(now.getTime() + failureBackoffMs(1, c.random)).toISOString() }
      : {}
  const settled = c.deps.store.update(row.domain, { jobId: null, status, ...deferred }, now.toISOString())
  c.deps.events.emit('certs.changed', { domain: row.domain })
  return settled
}

async function refreshPlan(c: CheckContext, row: CertRow, signal: AbortSignal): Promise<CertRow> {
  if (!row.chainPem) return row
  let connection: AcmeConnection
  try {
    connection = c.connection(c.deps.acme().directoryUrl)
  } catch (err) {
    c.deps.logger.warn({ err: String(err) }, 'ACME directory not usable')
    return row
  }
  const previous = { renewalDueAt: dateOf(row.renewalDueAt), renewalSource: row.renewalSource }
  const plan = await c.planner.plan(connection, row.chainPem, previous, signal)
  if (
    plan.renewalDueAt.getTime() === previous.renewalDueAt?.getTime() &&
    plan.renewalSource === previous.renewalSource
  ) {
    return row
  }
  const updated = c.deps.store.update(
    row.domain,
    { renewalDueAt: plan.renewalDueAt.toISOString(), renewalSource: plan.renewalSource },
    c.now().toISOString(),
  )
  c.deps.events.emit('certs.changed', { domain: row.domain })
  return updated
}
