import type { CertStatus, ProxyState } from '../../../../src-preload/contract/routes'
import type { Tone } from '../../components/StatusChip'

/** valid green, work in progress blue, expiring amber, expired/failed red, pending grey. */
export const CERT_TONE: Record<CertStatus, Tone> = {
  valid: 'ok',
  issuing: 'info',
  renewing: 'info',
  expiring: 'warn',
  expired: 'bad',
  failed: 'bad',
  pending: 'neutral',
}

export const CERT_TEXT: Record<CertStatus, string> = {
  valid: 'Valid',
  issuing: 'Issuing…',
  renewing: 'Renewing…',
  expiring: 'Expiring',
  expired: 'Expired',
  failed: 'Failed',
  pending: 'Pending',
}

export const PROXY_TONE: Record<ProxyState['status'], Tone> = {
  running: 'ok',
  stopped: 'warn',
  error: 'bad',
  absent: 'neutral',
}

export const PROXY_TEXT: Record<ProxyState['status'], string> = {
  running: 'Running',
  stopped: 'Stopped',
  error: 'Error',
  absent: 'Not created yet',
}

export const RENEWAL_SOURCE_TEXT = {
  ari: 'ARI (the CA’s renewal window)',
  lifetime: '⅓ of lifetime left',
} as const

const DAY_MS = 24 * 3600 * 1000

/** "in 62 days", "today", "3 days ago": whole days, as people count them for a certificate. */
export function daysText(iso: string, now = Date.now()): string {
  const days = Math.round((Date.parse(iso) - now) / DAY_MS)
  if (days === 0) return 'today'
  if (days === 1) return 'in 1 day'
  if (days === -1) return '1 day ago'
  return days > 0 ? `in ${days} days` : `${-days} days ago`
}

/** Expiry first (the ones that need attention at the top), those without a certificate after. */
export function byExpiry<T extends { notAfter: string | null; domain: string }>(a: T, b: T): number {
  if (a.notAfter === b.notAfter) return a.domain.localeCompare(b.domain)
  if (a.notAfter === null) return 1
  if (b.notAfter === null) return -1
  return Date.parse(a.notAfter) - Date.parse(b.notAfter)
}
