import type { CertStatus } from '../../../src-preload/contract/routes'

/**
 * When to renew, retry and warn: pure functions of the certificate's dates, the clock and a random source, so
 * every rule is tested with an injected `now` and `random`.
 */

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/** First retry after a failure; doubles per failure up to the cap, ±10 % jitter so hosts do not retry in step. */
const FAILURE_BACKOFF_MS = 5 * MINUTE_MS
const FAILURE_BACKOFF_CAP_MS = DAY_MS
/** "Expires in seven days and renewal keeps failing" is when people are told, once a day at most. */
const EXPIRY_WARNING_MS = 7 * DAY_MS
const EXPIRY_WARNING_EVERY_MS = DAY_MS
/** ARI polls (RFC 9773 §4.3): the CA's Retry-After, kept within these bounds; six hours when it sent none. */
const ARI_DEFAULT_POLL_MS = 6 * HOUR_MS
const ARI_MIN_POLL_MS = MINUTE_MS
const ARI_MAX_POLL_MS = DAY_MS

export interface Validity {
  notBefore: Date
  notAfter: Date
}

/**
 * Without ARI: one third of the lifetime before it ends (Let's Encrypt's advice, what certbot does), moved earlier
 * by a random part of up to 1 % of the lifetime (for 90 days: up to ~21.6 h), so the certificates issued together
 * do not all come back to the CA in the same minute.
 */
export function lifetimeRenewalDue(validity: Validity, random: () => number): Date {
  const start = validity.notBefore.getTime()
  const end = validity.notAfter.getTime()
  const lifetime = Math.max(0, end - start)
  const jitter = Math.floor(clamp01(random()) * lifetime * 0.01)
  return new Date(end - lifetime / 3 - jitter)
}

export interface SuggestedWindow {
  start: Date
  end: Date
}

/**
 * With ARI (RFC 9773 §4.2): a uniformly random time in the CA's suggested window. A time chosen earlier is kept
 * while it still lies inside the window, so polling every few hours does not draw again and drift the choice
 * towards the start. A window that ended already means now. (An inverted window is invalid: `parseRenewalInfo`
 * refuses it, and the lifetime rule applies instead.)
 */
export function ariRenewalDue(window: SuggestedWindow, previous: Date | null, now: Date, random: () => number): Date {
  const start = window.start.getTime()
  const end = window.end.getTime()
  if (end <= now.getTime()) return now
  if (previous && previous.getTime() >= start && previous.getTime() <= end) return previous
  return new Date(start + Math.floor(clamp01(random()) * (end - start)))
}

/** The next ARI poll: the CA's Retry-After within [1 min, 24 h], else six hours. */
export function nextAriPoll(now: Date, retryAfter: Date | null): Date {
  if (!retryAfter) return new Date(now.getTime() + ARI_DEFAULT_POLL_MS)
  const wait = Math.min(ARI_MAX_POLL_MS, Math.max(ARI_MIN_POLL_MS, retryAfter.getTime() - now.getTime()))
  return new Date(now.getTime() + wait)
}

/** `failures` counts this one too (1 after the first failure): 5 min, 10, 20 … capped at 24 h, ±10 %. */
export function failureBackoffMs(failures: number, random: () => number): number {
  const base = Math.min(FAILURE_BACKOFF_CAP_MS, FAILURE_BACKOFF_MS * 2 ** Math.max(0, failures - 1))
  return Math.round(base * (0.9 + 0.2 * clamp01(random())))
}

/** After a failure: the backoff, but never before a Retry-After the CA sent (rate limits say how long). */
export function nextAttemptAfterFailure(
  now: Date,
  failures: number,
  retryAfter: Date | null,
  random: () => number,
): Date {
  const backoff = now.getTime() + failureBackoffMs(failures, random)
  return new Date(Math.max(backoff, retryAfter?.getTime() ?? 0))
}

/** The longest wait a Retry-After is taken for: a broken or hostile header must not park a domain for years. */
const RETRY_AFTER_MAX_MS = 30 * DAY_MS

const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun'
const LONG_DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const MON = MONTHS.join('|')
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'
const IMF_FIXDATE = new RegExp(`^(?:${DAYS}), (\\d{2}) (${MON}) (\\d{4}) ${TIME} GMT$`)
const RFC850_DATE = new RegExp(`^(?:${LONG_DAYS}), (\\d{2})-(${MON})-(\\d{2}) ${TIME} GMT$`)
const ASCTIME_DATE = new RegExp(`^(?:${DAYS}) (${MON}) ([ \\d]\\d) ${TIME} (\\d{4})$`)

/**
 * An HTTP-date in any of RFC 9110 §5.6.7's three forms, always UTC (Date.parse would read asctime as local time
 * and accepts much that is no HTTP-date); NaN otherwise.
 */
function httpDate(value: string, now: Date): number {
  const utc = (y: number, mon: string, d: string, h: string, m: string, sec: string) =>
    Date.UTC(y, MONTHS.indexOf(mon), Number(d), Number(h), Number(m), Number(sec))
  let m = IMF_FIXDATE.exec(value)
  if (m) return utc(Number(m[3]), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!)
  m = RFC850_DATE.exec(value)
  if (m) {
    // Two-digit years: one more than 50 years ahead is in the past century (RFC 9110 §5.6.7).
    let year = 2000 + Number(m[3])
    if (year > now.getUTCFullYear() + 50) year -= 100
    return utc(year, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!)
  }
  m = ASCTIME_DATE.exec(value)
  if (m) return utc(Number(m[6]), m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!)
  return Number.NaN
}

/**
 * An HTTP `Retry-After`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3), at most RETRY_AFTER_MAX_MS ahead.
 * `null` for anything else, and for a time that has passed.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): Date | null {
  if (!value) return null
  const trimmed = value.trim()
  const at = /^\d+$/.test(trimmed) ? now.getTime() + Number(trimmed) * 1000 : httpDate(trimmed, now)
  if (!Number.isFinite(at) || at <= now.getTime()) return null
  return new Date(Math.min(at, now.getTime() + RETRY_AFTER_MAX_MS))
}

export interface ScheduleState {
  notAfter: Date | null
  renewalDueAt: Date | null
  nextAttemptAt: Date | null
  failures: number
}

/**
 * Whether the scheduler should start an order now. A time set after a failure (the backoff, the CA's Retry-After)
 * or a cancel comes first, whatever the due time; once it passed, a failed domain is due at once. Otherwise the
 * due time counts, and a domain that never had a certificate is due at once.
 */
export function attemptDue(state: ScheduleState, now: Date): boolean {
  const t = now.getTime()
  if (state.nextAttemptAt && state.nextAttemptAt.getTime() > t) return false
  if (state.failures > 0 || !state.notAfter) return true
  return state.renewalDueAt !== null && state.renewalDueAt.getTime() <= t
}

/** The status a stored certificate has while no job works on it. */
export function restingStatus(state: { notAfter: Date | null; failures: number }, now: Date): CertStatus {
  if (!state.notAfter) return state.failures > 0 ? 'failed' : 'pending'
  const left = state.notAfter.getTime() - now.getTime()
  if (left <= 0) return 'expired'
  if (state.failures > 0 && left <= EXPIRY_WARNING_MS) return 'expiring'
  return 'valid'
}

/** `cert.expiring` is said when the certificate is `expiring` and it was not said in the last day. */
export function expiryWarningDue(status: CertStatus, warnedAt: Date | null, now: Date): boolean {
  if (status !== 'expiring') return false
  return warnedAt === null || now.getTime() - warnedAt.getTime() >= EXPIRY_WARNING_EVERY_MS
}

function clamp01(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0
  return value >= 1 ? 1 - Number.EPSILON : value
}
