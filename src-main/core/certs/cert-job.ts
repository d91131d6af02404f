import type { JobContext } from '../jobs'
import { AppError, isAppError } from '../shared/app-error'
import { AcmeAccounts, certKeyContext } from './acme-account'
import type { AcmeConnection } from './acme-http'
import { AcmeFailure, orderCertificate, type OrderStep } from './acme-order'
import { dateOf, type CertCoreDeps } from './cert-deps'
import type { CertRow } from './cert-store'
import { readLeaf, type Plan, type RenewalPlanner } from './renewal-planner'
import {
  expiryWarningDue,
  failureBackoffMs,
  lifetimeRenewalDue,
  nextAttemptAfterFailure,
  parseRetryAfter,
  restingStatus,
} from './renewal-schedule'

export const CERT_ISSUE_JOB = 'cert.issue'
export const certLockKey = (domain: string): string => `cert:${domain}`

export interface CertJobPayload {
  domain: string
  reason: 'issue' | 'renew' | 'forced'
}

const STEPS: Record<OrderStep | 'install', [number, string]> = {
  account: [5, 'Registering the ACME account'],
  order: [15, 'Creating the order'],
  challenge: [30, 'Serving the HTTP-01 challenge'],
  validate: [45, 'Waiting for the CA to validate'],
  finalize: [70, 'Finalizing the order'],
  install: [90, 'Installing on the proxy'],
}

export interface CertJobDeps extends CertCoreDeps {
  accounts: AcmeAccounts
  planner: RenewalPlanner
  connection(directoryUrl: string): AcmeConnection
  now: () => Date
  random: () => number
}

/** The ARI request after issuance is not the job's to cancel (see below), but it may not hang either. */
const PLAN_TIMEOUT_MS = 30_000

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null)

/**
 * One `cert.issue` job: order over HTTP-01 through every proxy serving the domain, store the chain and the sealed
 * key, plan the renewal, apply the proxies (which then render the TLS server), notify. A failure to obtain the
 * certificate keeps an older one serving, counts, backs off (or waits out the CA's Retry-After) and is notified.
 * Once the certificate is stored it is kept whatever follows: a cancel or a proxy refusing the configuration fails
 * the job with the proxy's words (kept as the row's last error, retried by the scheduler) but counts no failure.
 * A cancel before that puts the row back as it was and defers the scheduler's next try by one backoff step.
 */
export async function runCertJob(deps: CertJobDeps, jobId: string, ctx: JobContext<CertJobPayload>): Promise<void> {
  const { domain, reason } = ctx.payload
  const { store, events } = deps
  const changed = () => events.emit('certs.changed', { domain })
  const at = () => deps.now().toISOString()

  const before = store.ensure(domain, at())
  const serving = before.notAfter !== null && Date.parse(before.notAfter) > deps.now().getTime()
  store.update(domain, { status: serving ? 'renewing' : 'issuing', jobId }, at())
  changed()
  ctx.log(
    `${reason === 'issue' ? 'Issuing' : 'Renewing'} the certificate for ${domain}${reason === 'forced' ? ' (forced)' : ''}`,
  )

  let stored = false
  try {
    const hosts = deps.routes.hostsForDomain(domain)
    if (hosts.length === 0) throw new AcmeFailure(`No route serves ${domain}: add a route for ${domain} first`, null)
    const { directoryUrl, email } = deps.acme()
    const connection = deps.connection(directoryUrl)
    ctx.log(`ACME directory ${directoryUrl}; HTTP-01 through the proxy on ${hostCount(hosts.length)}`)
    const { keyPem: accountKeyPem, account } = await deps.accounts.forOrder(directoryUrl, email)
    const replaces = await deps.planner.replaces(connection, before.chainPem, ctx.signal)

    const result = await orderCertificate({
      connection,
      domain,
      accountKeyPem,
      account,
      email,
      signal: ctx.signal,
      replaces,
      challenges: {
        put: (token, keyAuthorization) => deps.proxy.putChallenge(hosts, token, keyAuthorization),
        remove: (token) => deps.proxy.removeChallenge(hosts, token),
      },
      step: (step) => ctx.progress(...STEPS[step]),
      log: (line) => ctx.log(line),
      onAccount: (accountUrl) => deps.accounts.remember(directoryUrl, accountUrl, email),
    })

    const leaf = readLeaf(result.chainPem)
    const sealedKey = await deps.box.seal(result.keyPem, certKeyContext(domain))
    // The CA has issued: a cancel from here on must not lose the certificate, so the plan (an ARI request) is not
    // cancellable; the lifetime rule stands in when ARI cannot be asked, and the scheduler refines it later.
    const plan = await deps.planner
      .plan(
        connection,
        result.chainPem,
        { renewalDueAt: null, renewalSource: null },
        AbortSignal.timeout(PLAN_TIMEOUT_MS),
      )
      .catch((): Plan => ({ renewalDueAt: lifetimeRenewalDue(leaf, deps.random), renewalSource: 'lifetime' }))
    store.update(
      domain,
      {
        status: 'valid',
        chainPem: result.chainPem,
        sealedKey,
        serial: leaf.serial,
        issuer: leaf.issuer,
        notBefore: iso(leaf.notBefore),
        notAfter: iso(leaf.notAfter),
        renewalDueAt: iso(plan.renewalDueAt),
        renewalSource: plan.renewalSource,
        nextAttemptAt: null,
        failures: 0,
        lastError: null,
        lastErrorAt: null,
        expiryWarnedAt: null,
      },
      at(),
    )
    stored = true
    changed()
    ctx.log(
      `Serial ${leaf.serial}, valid until ${leaf.notAfter.toISOString()}; renewal due ${plan.renewalDueAt.toISOString()} (${plan.renewalSource})`,
    )
    ctx.signal.throwIfAborted()
    await install(deps, domain, hosts, ctx)
  } catch (err) {
    const row = store.get(domain)!
    if (stored) throw err
    if (ctx.signal.aborted) {
      const nextAttemptAt = new Date(deps.now().getTime() + failureBackoffMs(1, deps.random))
      store.update(
        domain,
        { status: restingStatus(resting(row), deps.now()), nextAttemptAt: nextAttemptAt.toISOString() },
        at(),
      )
      throw err
    }
    throw recordFailure(deps, row, err, reason)
  } finally {
    const row = store.get(domain)
    if (row?.jobId === jobId) {
      const status =
        row.status === 'issuing' || row.status === 'renewing' ? restingStatus(resting(row), deps.now()) : row.status
      store.update(domain, { jobId: null, status }, at())
    }
    changed()
  }
}

/**
 * Applies every proxy serving the domain. The certificate is stored and valid either way, so a refusal is the
 * proxy's: it becomes the row's last error (no failure counted, no re-order) and the job's error, and the
 * scheduler applies again until the proxies take it (`installAgain`).
 */
async function install(deps: CertJobDeps, domain: string, hosts: string[], ctx: JobContext<CertJobPayload>) {
  ctx.progress(...STEPS.install)
  const refused = await applyProxies(deps, domain, hosts, { signal: ctx.signal, log: (line) => ctx.log(line) })
  if (refused) {
    ctx.progress(100, 'Issued; a proxy refused it')
    recordRefusal(deps, domain, refused)
    throw new AppError('proxy_rejected', refused)
  }
  ctx.progress(100, 'Issued and installed')
  deps.notify({
    kind: 'cert.issued',
    title: `Certificate issued for ${domain}`,
    body: `Serving HTTPS for ${domain} on ${hostCount(hosts.length)}.`,
    actions: ['open_log'],
  })
}

/** Applies each host's proxy; the sentence naming the hosts that refused, or null when all took it. */
export async function applyProxies(
  deps: Pick<CertJobDeps, 'proxy' | 'logger'>,
  domain: string,
  hosts: string[],
  options: { signal: AbortSignal; log?: (line: string) => void },
): Promise<string | null> {
  const refused: string[] = []
  for (const hostId of hosts) {
    try {
      await deps.proxy.apply(hostId, options)
    } catch (err) {
      if (options.signal.aborted) throw err
      refused.push(`${hostId}: ${isAppError(err) ? err.message : 'internal error'}`)
      if (!isAppError(err)) deps.logger.error({ err, hostId, domain }, 'proxy apply of a certificate failed')
    }
  }
  if (refused.length === 0) return null
  return `The certificate for ${domain} is issued and stored, but the proxy refused the configuration on ${refused.join('; ')}`
}

/** The stored certificate is fine; what did not work is installing it. */
function recordRefusal(deps: Pick<CertJobDeps, 'store' | 'notify' | 'now'>, domain: string, message: string) {
  const now = deps.now().toISOString()
  deps.store.update(domain, { lastError: message, lastErrorAt: now }, now)
  deps.notify({
    kind: 'cert.failed',
    title: `Certificate for ${domain} is not served`,
    body: `${message}. glinrdock applies it again at the next certificate check.`,
    actions: ['open_log'],
  })
}

function resting(row: CertRow): { notAfter: Date | null; failures: number } {
  return { notAfter: dateOf(row.notAfter), failures: row.failures }
}

/**
 * A failure notifies when it is the first since the certificate last worked, or answers a forced renewal; the
 * retries after it only record (the "expires in 7 days" warning speaks daily while renewal keeps failing).
 */
function recordFailure(deps: CertJobDeps, row: CertRow, err: unknown, reason: CertJobPayload['reason']): AppError {
  const now = deps.now()
  const message =
    err instanceof AcmeFailure || isAppError(err) ? err.message : 'Internal error while ordering the certificate'
  if (!(err instanceof AcmeFailure) && !isAppError(err)) {
    deps.logger.error({ err, domain: row.domain }, 'certificate order failed unexpectedly')
  }
  const failures = row.failures + 1
  const retryAfter = err instanceof AcmeFailure ? parseRetryAfter(err.retryAfter, now) : null
  const nextAttemptAt = nextAttemptAfterFailure(now, failures, retryAfter, deps.random)
  const status = restingStatus({ notAfter: dateOf(row.notAfter), failures }, now)
  const warn = expiryWarningDue(status, dateOf(row.expiryWarnedAt), now)
  deps.store.update(
    row.domain,
    {
      status,
      failures,
      lastError: message,
      lastErrorAt: now.toISOString(),
      nextAttemptAt: nextAttemptAt.toISOString(),
      ...(warn ? { expiryWarnedAt: now.toISOString() } : {}),
    },
    now.toISOString(),
  )
  if (failures === 1 || reason === 'forced')
    deps.notify({
      kind: 'cert.failed',
      title: `Certificate for ${row.domain} failed`,
      body: `${message} Next attempt ${nextAttemptAt.toISOString()}.`,
      actions: ['open_log'],
    })
  if (warn) notifyExpiring(deps, row.domain, row.notAfter!, message)
  return new AppError('acme_failed', message)
}

export function notifyExpiring(
  deps: Pick<CertJobDeps, 'notify'>,
  domain: string,
  notAfter: string,
  lastError: string | null,
) {
  deps.notify({
    kind: 'cert.expiring',
    title: `Certificate for ${domain} expires ${notAfter.slice(0, 10)}`,
    body: `Renewal keeps failing${lastError ? `: ${lastError}` : ''}. It expires at ${notAfter}.`,
    actions: ['open_log'],
  })
}

const hostCount = (n: number): string => (n === 1 ? '1 host' : `${n} hosts`)
