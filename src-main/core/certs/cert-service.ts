import { readFileSync } from 'node:fs'
import type { JobStatus } from '../../../src-preload/contract/jobs'
import { toAsciiDomain, type CertSummary, type CertJobStarted } from '../../../src-preload/contract/routes'
import { isFinished, type JobRunner } from '../jobs'
import { AppError } from '../shared/app-error'
import type { CertificateOrders, CertificateSource, ServingCertificate } from '../shared/proxy-ports'
import { AcmeAccounts, certKeyContext } from './acme-account'
import { AcmeConnection } from './acme-http'
import { CERT_ISSUE_JOB, certLockKey, runCertJob, type CertJobDeps, type CertJobPayload } from './cert-job'
import { checkCertificates } from './cert-check'
import type { CertCoreDeps } from './cert-deps'
import type { CertRow } from './cert-store'
import { byExpiry, certSummary } from './cert-summary'
import { RenewalPlanner } from './renewal-planner'

export const DEFAULT_CERT_CHECK_MS = 3_600_000

export interface CertServiceDeps extends CertCoreDeps {
  jobs: JobRunner
  /**
   * The domains some route asks HTTPS for (bootstrap: the route store). The scheduler orders for each one that has
   * no certificate row yet, so a TLS route whose first order never started (`ensureCertificate` failed or was
   * never reached) still gets its certificate, with the same backoff as any failed order. Without it the
   * scheduler sees only the domains an order was started for.
   */
  tlsDomains?: () => string[]
  /** PEM to trust for the ACME server's connection only (bootstrap: GLINRDOCK_ACME_CA_FILE); never process-wide. */
  caFile?: string
  /** How often the renewal scheduler looks (bootstrap: GLINRDOCK_CERT_CHECK_MS); one hour by default. */
  checkIntervalMs?: number
  now?: () => Date
  random?: () => number
}

/**
 * Certificates by domain: ACME orders as `cert.issue` jobs (one per domain at a time), the renewal scheduler, and
 * the certificate each proxy serves. The private keys are sealed at rest and opened only for the proxy.
 */
export class CertService implements CertificateSource, CertificateOrders {
  private readonly now: () => Date
  private readonly random: () => number
  private readonly accounts: AcmeAccounts
  private readonly planner: RenewalPlanner
  private readonly connections = new Map<string, AcmeConnection>()
  private readonly stopping = new AbortController()
  private caPem: string | null | undefined
  private timer?: NodeJS.Timeout
  private checking: Promise<void> | null = null

  constructor(private readonly deps: CertServiceDeps) {
    this.now = deps.now ?? (() => new Date())
    this.random = deps.random ?? Math.random
    this.accounts = new AcmeAccounts(deps.store, deps.box)
    this.planner = new RenewalPlanner(this.now, this.random, deps.logger)
  }

  registerJobs(): void {
    const jobDeps: CertJobDeps = {
      ...this.deps,
      accounts: this.accounts,
      planner: this.planner,
      connection: (url) => this.connection(url),
      now: this.now,
      random: this.random,
    }
    this.deps.jobs.register<CertJobPayload>(CERT_ISSUE_JOB, (job, ctx) => runCertJob(jobDeps, job.id, ctx))
  }

  /** Runs a check now, then every `checkIntervalMs`. */
  start(): void {
    if (this.timer || this.stopping.signal.aborted) return
    const every = this.deps.checkIntervalMs ?? DEFAULT_CERT_CHECK_MS
    this.timer = setInterval(() => void this.check(), every)
    this.timer.unref()
    void this.check()
  }

  dispose(): void {
    clearInterval(this.timer)
    this.stopping.abort(new Error('glinrdock stopped'))
    for (const connection of this.connections.values()) connection.dispose()
    this.connections.clear()
  }

  list(): CertSummary[] {
    return this.deps.store
      .all()
      .map((row) => certSummary(row, this.deps.routes.hostsForDomain(row.domain)))
      .sort(byExpiry)
  }

  status(domain: string): CertSummary {
    const ascii = this.domainOf(domain)
    const row = this.deps.store.get(ascii)
    if (!row) throw new AppError('not_found', `No certificate for ${ascii}`, 'domain')
    return certSummary(row, this.deps.routes.hostsForDomain(ascii))
  }

  /** Orders a certificate now; a job already working on the domain is answered instead of a second one. */
  issue(domain: string): CertJobStarted {
    const ascii = this.servedDomain(domain)
    return { jobId: this.startJob(ascii, 'issue'), domain: ascii }
  }

  /** Renews now, due or not. */
  renew(domain: string): CertJobStarted {
    const ascii = this.servedDomain(domain)
    const row = this.deps.store.get(ascii)
    return { jobId: this.startJob(ascii, row?.chainPem ? 'forced' : 'issue'), domain: ascii }
  }

  /**
   * For routes asking for HTTPS: orders unless a valid certificate exists, a job works on it already, or a recent
   * failure's backoff has not passed (the scheduler retries then; `issue` does not wait).
   */
  ensureCertificate(domain: string): { jobId: string } | null {
    const ascii = toAsciiDomain(domain)
    if (!ascii || this.deps.routes.hostsForDomain(ascii).length === 0) return null
    const row = this.deps.store.get(ascii)
    const now = this.now().getTime()
    if (row) {
      if (this.activeJob(row)) return null
      if (row.notAfter && Date.parse(row.notAfter) > now) return null
      // After a failure (backoff, Retry-After) or a cancel: not before the time set then.
      if (row.nextAttemptAt && Date.parse(row.nextAttemptAt) > now) return null
    }
    return { jobId: this.startJob(ascii, 'issue') }
  }

  async servingCertificate(domain: string): Promise<ServingCertificate | null> {
    const row = this.deps.store.get(domain)
    if (!row?.chainPem || !row.sealedKey || !row.serial || !row.notAfter) return null
    const now = this.now().getTime()
    if (Date.parse(row.notAfter) <= now || (row.notBefore && Date.parse(row.notBefore) > now)) return null
    try {
      const keyPem = await this.deps.box.open(row.sealedKey, certKeyContext(domain))
      return { domain, chainPem: row.chainPem, keyPem, serial: row.serial, notAfter: row.notAfter }
    } catch (err) {
      this.deps.logger.error({ domain, code: (err as AppError).code }, 'certificate key cannot be opened')
      return null
    }
  }

  /**
   * One pass of the scheduler (also what the timer runs): settle rows whose job is gone, update statuses, warn
   * about expiry once a day, refresh ARI windows, and start the orders that are due. Never two at once.
   */
  check(): Promise<void> {
    this.checking ??= checkCertificates(
      {
        deps: this.deps,
        now: this.now,
        random: this.random,
        planner: this.planner,
        connection: (url) => this.connection(url),
        startJob: (domain, reason) => this.startJob(domain, reason),
        jobStatus: (jobId) => this.jobStatus(jobId),
      },
      this.stopping.signal,
    )
      .catch((err: unknown) => this.deps.logger.error({ err }, 'certificate check failed'))
      .finally(() => (this.checking = null))
    return this.checking
  }

  private startJob(domain: string, reason: CertJobPayload['reason']): string {
    const row = this.deps.store.ensure(domain, this.now().toISOString())
    if (row.jobId && this.activeJob(row)) return row.jobId
    const job = this.deps.jobs.enqueue({
      kind: CERT_ISSUE_JOB,
      lockKey: certLockKey(domain),
      payload: { domain, reason } satisfies CertJobPayload,
    })
    this.deps.store.update(domain, { jobId: job.id }, this.now().toISOString())
    this.deps.events.emit('certs.changed', { domain })
    return job.id
  }

  private activeJob(row: CertRow): boolean {
    const status = this.jobStatus(row.jobId)
    return status !== null && !isFinished(status)
  }

  /** The job's status; null for none, or one the runner no longer knows (pruned). */
  private jobStatus(jobId: string | null): JobStatus | null {
    if (!jobId) return null
    try {
      return this.deps.jobs.get(jobId).status
    } catch {
      return null
    }
  }

  private connection(directoryUrl: string): AcmeConnection {
    let connection = this.connections.get(directoryUrl)
    if (!connection) {
      connection = new AcmeConnection(directoryUrl, this.ca())
      this.connections.set(directoryUrl, connection)
    }
    return connection
  }

  private ca(): string | null {
    if (this.caPem === undefined) this.caPem = this.deps.caFile ? readFileSync(this.deps.caFile, 'utf8') : null
    return this.caPem
  }

  private domainOf(domain: string): string {
    const ascii = toAsciiDomain(domain)
    if (!ascii) throw new AppError('validation', `Not a domain: ${domain}`, 'domain')
    return ascii
  }

  private servedDomain(domain: string): string {
    const ascii = this.domainOf(domain)
    if (this.deps.routes.hostsForDomain(ascii).length === 0) {
      throw new AppError('validation', `Add a route for ${ascii} first`, 'domain')
    }
    return ascii
  }
}
