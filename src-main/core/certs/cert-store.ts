import type { Database } from 'better-sqlite3'
import type { CertStatus } from '../../../src-preload/contract/routes'
import { SettingsStore } from '../settings/settings-store'

/** One row of `certificates`, as the service works with it (times as ISO strings, like the table). */
export interface CertRow {
  domain: string
  status: CertStatus
  chainPem: string | null
  /** The private key, sealed with context `certs:<domain>:key`; never leaves this domain unsealed but to nginx. */
  sealedKey: string | null
  serial: string | null
  issuer: string | null
  notBefore: string | null
  notAfter: string | null
  renewalDueAt: string | null
  renewalSource: 'ari' | 'lifetime' | null
  nextAttemptAt: string | null
  failures: number
  lastError: string | null
  lastErrorAt: string | null
  expiryWarnedAt: string | null
  jobId: string | null
  createdAt: string
  updatedAt: string
}

export type CertPatch = Partial<Omit<CertRow, 'domain' | 'createdAt' | 'updatedAt'>>

/** The ACME account: one per directory URL, its key sealed with context `certs:account`. */
export interface StoredAccount {
  directoryUrl: string
  accountUrl: string | null
  sealedKey: string
  email: string | null
}

const COLUMNS: Record<keyof CertPatch, string> = {
  status: 'status',
  chainPem: 'chain_pem',
  sealedKey: 'sealed_key',
  serial: 'serial',
  issuer: 'issuer',
  notBefore: 'not_before',
  notAfter: 'not_after',
  renewalDueAt: 'renewal_due_at',
  renewalSource: 'renewal_source',
  nextAttemptAt: 'next_attempt_at',
  failures: 'failures',
  lastError: 'last_error',
  lastErrorAt: 'last_error_at',
  expiryWarnedAt: 'expiry_warned_at',
  jobId: 'job_id',
}

/** The account lives in the key/value `settings` table under this key (a single JSON value, nothing to query). */
const ACCOUNT_KEY = 'certs.acmeAccount'

interface Raw {
  domain: string
  status: CertStatus
  chain_pem: string | null
  sealed_key: string | null
  serial: string | null
  issuer: string | null
  not_before: string | null
  not_after: string | null
  renewal_due_at: string | null
  renewal_source: 'ari' | 'lifetime' | null
  next_attempt_at: string | null
  failures: number
  last_error: string | null
  last_error_at: string | null
  expiry_warned_at: string | null
  job_id: string | null
  created_at: string
  updated_at: string
}

const fromRaw = (r: Raw): CertRow => ({
  domain: r.domain,
  status: r.status,
  chainPem: r.chain_pem,
  sealedKey: r.sealed_key,
  serial: r.serial,
  issuer: r.issuer,
  notBefore: r.not_before,
  notAfter: r.not_after,
  renewalDueAt: r.renewal_due_at,
  renewalSource: r.renewal_source,
  nextAttemptAt: r.next_attempt_at,
  failures: r.failures,
  lastError: r.last_error,
  lastErrorAt: r.last_error_at,
  expiryWarnedAt: r.expiry_warned_at,
  jobId: r.job_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export class CertStore {
  /** The ACME account is one settings entry. */
  private readonly settings: SettingsStore

  constructor(private readonly db: Database) {
    this.settings = new SettingsStore(db)
  }

  get(domain: string): CertRow | null {
    const raw = this.db.prepare('SELECT * FROM certificates WHERE domain = ?').get(domain) as Raw | undefined
    return raw ? fromRaw(raw) : null
  }

  all(): CertRow[] {
    return (this.db.prepare('SELECT * FROM certificates ORDER BY domain').all() as Raw[]).map(fromRaw)
  }

  /** The row for the domain, made `pending` when there is none. */
  ensure(domain: string, at: string): CertRow {
    this.db
      .prepare(
        `INSERT INTO certificates (domain, status, failures, created_at, updated_at) VALUES (?, 'pending', 0, ?, ?)
         ON CONFLICT(domain) DO NOTHING`,
      )
      .run(domain, at, at)
    return this.get(domain)!
  }

  update(domain: string, patch: CertPatch, at: string): CertRow {
    const keys = Object.keys(patch) as (keyof CertPatch)[]
    const sets = keys.map((key) => `${COLUMNS[key]} = @${key}`)
    sets.push('updated_at = @updatedAt')
    const result = this.db
      .prepare(`UPDATE certificates SET ${sets.join(', ')} WHERE domain = @domain`)
      .run({ ...patch, domain, updatedAt: at })
    if (result.changes === 0) throw new Error(`No certificate row for ${domain}`)
    return this.get(domain)!
  }

  account(): StoredAccount | null {
    return this.settings.get<StoredAccount>(ACCOUNT_KEY) ?? null
  }

  saveAccount(account: StoredAccount): void {
    this.settings.set(ACCOUNT_KEY, account)
  }
}
