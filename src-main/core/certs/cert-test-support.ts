import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { JobStatus, JobSummary } from '../../../src-preload/contract/jobs'
import type { ProxyPreview, ProxyState } from '../../../src-preload/contract/routes'
import { createLogger, type Logger } from '../../infra/logging/logger'
import { DataKeyStore } from '../../infra/secrets/data-key-store'
import { KeyFileWrapper } from '../../infra/secrets/key-file-wrapper'
import { SecretBox } from '../../infra/secrets/secret-box'
import { bundledMigrations } from '../../infra/sqlite/bundled-migrations'
import { openDatabase, type Database } from '../../infra/sqlite/open-database'
import { EventBus } from '../events/event-bus'
import { JobRunner } from '../jobs'
import { AppError } from '../shared/app-error'
import type { NotifyInput } from '../shared/cicd-ports'
import type { ProxyControl, RouteRecord, RouteSource } from '../shared/proxy-ports'

/** Helpers for the certs specs only; production code never imports this file. */

export interface CertHarness {
  dir: string
  db: Database
  box: SecretBox
  events: EventBus
  jobs: JobRunner
  logger: Logger
  /** Every log line written, to check that no key ever is. */
  logLines: () => string
  notified: NotifyInput[]
  notify: (input: NotifyInput) => void
  certEvents: string[]
  /** Resolves with the job once it is in one of `statuses` (from its events, or already). */
  until(id: string, ...statuses: JobStatus[]): Promise<JobSummary>
  dispose(): void
}

export function certHarness(): CertHarness {
  const dir = mkdtempSync(join(tmpdir(), 'gd-certs-'))
  const db = openDatabase(join(dir, 'glinrdock.db'), { migrations: bundledMigrations })
  const box = new SecretBox(new KeyFileWrapper(join(dir, 'secret.key')), new DataKeyStore(db), () => false)
  const events = new EventBus()
  const lines: string[] = []
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString())
        done()
      },
    }),
  })
  const jobs = new JobRunner(db, events, logger)
  const notified: NotifyInput[] = []
  const certEvents: string[] = []
  events.on('certs.changed', ({ domain }) => certEvents.push(domain))
  return {
    dir,
    db,
    box,
    events,
    jobs,
    logger,
    logLines: () => lines.join(''),
    notified,
    notify: (input) => void notified.push(input),
    certEvents,
    until: (id, ...statuses) =>
      new Promise((resolve) => {
        const stop = events.on('jobs.changed', ({ job }) => {
          if (job.id !== id || !statuses.includes(job.status)) return
          stop()
          resolve(job)
        })
        const now = jobs.get(id)
        if (statuses.includes(now.status)) {
          stop()
          resolve(now)
        }
      }),
    dispose() {
      jobs.dispose()
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Routes as a plain table: domain → hosts serving it. */
export class TableRoutes implements RouteSource {
  readonly hosts = new Map<string, string[]>()

  routesForHost(hostId: string): RouteRecord[] {
    return [...this.hosts.entries()]
      .filter(([, hosts]) => hosts.includes(hostId))
      .map(([domain], i) => ({
        id: `r${i}`,
        hostId,
        projectId: 'p',
        serviceId: 's',
        domain,
        path: '/',
        port: 8080,
        tls: true,
        createdAt: new Date(0).toISOString(),
      }))
  }

  hostsForDomain(domain: string): string[] {
    return this.hosts.get(domain) ?? []
  }

  /** Every route here asks for HTTPS. */
  tlsDomains(): string[] {
    return [...this.hosts.entries()].filter(([, hosts]) => hosts.length > 0).map(([domain]) => domain)
  }
}

/**
 * A fake of the proxy's ACME challenge location only (the CA is the real pebble): tokens put are answered over
 * plain HTTP on `address`:`port`, which pebble-challtestsrv is told to resolve the spec's domains to. `silent`
 * stops answering (what a host that does not serve the domain looks like to the CA). Applies are recorded.
 */
export class LoopbackChallengeProxy implements ProxyControl {
  readonly tokens = new Map<string, string>()
  readonly applied: string[] = []
  readonly challengeHosts: string[][] = []
  silent = false
  /** While set, apply refuses with these words, as the real proxy does when `nginx -t` fails. */
  refuse: string | null = null
  /** While set, putChallenge serves the token and then fails, as a put that worked on one host of two. */
  putFails: string | null = null
  /** While set, putChallenge waits for it (a spec cancels the job meanwhile). */
  hold: Promise<void> | null = null
  /** Resolved by each putChallenge once it started waiting for `hold`. */
  onPut: (() => void) | null = null
  private readonly server: http.Server

  constructor() {
    this.server = http.createServer((req, res) => {
      const token = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1]
      const answer = token && !this.silent ? this.tokens.get(token) : undefined
      if (answer === undefined) res.writeHead(404).end('not found')
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(answer)
    })
  }

  listen(port: number, address: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, address, resolve)
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  async apply(hostId: string): Promise<ProxyState> {
    if (this.refuse !== null) throw new AppError('proxy_rejected', this.refuse)
    this.applied.push(hostId)
    return this.state(hostId)
  }

  async preview(): Promise<ProxyPreview> {
    return { config: '', hash: '', test: { ok: true, output: '' }, unchanged: true }
  }

  async state(hostId: string): Promise<ProxyState> {
    return {
      hostId,
      settings: { image: 'nginx', httpPort: 80, httpsPort: 443 },
      status: 'running',
      containerId: null,
      configHash: null,
      lastReloadAt: null,
      lastError: null,
      routes: 0,
    }
  }

  async pinUpstream(): Promise<{ release(): void }> {
    return { release: () => undefined }
  }

  hasRoutes(): boolean {
    return false
  }

  async putChallenge(hostIds: string[], token: string, keyAuthorization: string): Promise<void> {
    this.challengeHosts.push(hostIds)
    this.tokens.set(token, keyAuthorization)
    if (this.putFails !== null) throw new AppError('docker_unreachable', this.putFails)
    this.onPut?.()
    if (this.hold) await this.hold
  }

  async removeChallenge(_hostIds: string[], token: string): Promise<void> {
    this.tokens.delete(token)
  }

  async releaseNetwork(): Promise<void> {}
}
