import type { CertSummary } from '../../../src-preload/contract/routes'
import type { CertRow } from './cert-store'

/** What the contract shows of a row: never the key, never the chain. */
export function certSummary(row: CertRow, hostIds: string[]): CertSummary {
  return {
    domain: row.domain,
    status: row.status,
    notBefore: row.notBefore,
    notAfter: row.notAfter,
    renewalDueAt: row.renewalDueAt,
    renewalSource: row.renewalSource,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError ? { message: row.lastError, at: row.lastErrorAt ?? row.updatedAt } : null,
    failures: row.failures,
    issuer: row.issuer,
    serial: row.serial,
    jobId: row.jobId,
    hostIds,
  }
}

/** By notAfter ascending (the next to expire first), certificates without one last, then by domain. */
export function byExpiry(a: CertSummary, b: CertSummary): number {
  if (a.notAfter !== b.notAfter) {
    if (a.notAfter === null) return 1
    if (b.notAfter === null) return -1
    return Date.parse(a.notAfter) - Date.parse(b.notAfter)
  }
  return a.domain.localeCompare(b.domain)
}
