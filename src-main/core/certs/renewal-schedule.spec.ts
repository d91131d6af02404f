import { describe, expect, it } from 'vitest'
import {
  ariRenewalDue,
  attemptDue,
  expiryWarningDue,
  failureBackoffMs,
  lifetimeRenewalDue,
  nextAriPoll,
  nextAttemptAfterFailure,
  parseRetryAfter,
  restingStatus,
} from './renewal-schedule'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const t0 = new Date('2026-01-01T00:00:00.000Z')
const at = (ms: number) => new Date(t0.getTime() + ms)
const fixed = (value: number) => () => value

describe('renewal by lifetime', () => {
  const validity = { notBefore: t0, notAfter: at(90 * DAY) }

  it('is due when one third of the lifetime is left, without jitter', () => {
    expect(lifetimeRenewalDue(validity, fixed(0)).toISOString()).toBe(at(60 * DAY).toISOString())
  })

  it('moves earlier by at most 1 % of the lifetime', () => {
    const earliest = lifetimeRenewalDue(validity, fixed(0.999999))
    expect(earliest.getTime()).toBeLessThan(at(60 * DAY).getTime())
    expect(earliest.getTime()).toBeGreaterThanOrEqual(at(60 * DAY - 0.9 * DAY).getTime())
    const middle = lifetimeRenewalDue(validity, fixed(0.5))
    expect(middle.getTime()).toBe(at(60 * DAY - 0.45 * DAY).getTime())
  })

  it('treats a random source answering 1 or garbage as inside the range', () => {
    expect(lifetimeRenewalDue(validity, fixed(1)).getTime()).toBeGreaterThanOrEqual(at(59.1 * DAY).getTime())
    expect(lifetimeRenewalDue(validity, fixed(Number.NaN)).getTime()).toBe(at(60 * DAY).getTime())
  })
})

describe('renewal by ARI', () => {
  const window = { start: at(10 * DAY), end: at(12 * DAY) }

  it('picks a uniformly random time inside the suggested window', () => {
    expect(ariRenewalDue(window, null, t0, fixed(0)).getTime()).toBe(window.start.getTime())
    expect(ariRenewalDue(window, null, t0, fixed(0.5)).getTime()).toBe(at(11 * DAY).getTime())
    expect(ariRenewalDue(window, null, t0, fixed(0.999999)).getTime()).toBeLessThan(window.end.getTime())
  })

  it('keeps an earlier choice while it lies in the window, and draws again when the window moved', () => {
    const chosen = at(10.5 * DAY)
    expect(ariRenewalDue(window, chosen, t0, fixed(0.9)).getTime()).toBe(chosen.getTime())
    const moved = { start: at(2 * DAY), end: at(3 * DAY) }
    expect(ariRenewalDue(moved, chosen, t0, fixed(0)).getTime()).toBe(moved.start.getTime())
  })

  it('renews now when the window has passed (the CA wants it replaced: e.g. a revocation)', () => {
    const past = { start: at(-2 * DAY), end: at(-DAY) }
    expect(ariRenewalDue(past, null, t0, fixed(0.5)).getTime()).toBe(t0.getTime())
  })

  it('polls again after Retry-After, bounded to [1 min, 24 h], six hours without one', () => {
    expect(nextAriPoll(t0, null).getTime()).toBe(at(6 * HOUR).getTime())
    expect(nextAriPoll(t0, at(3 * HOUR)).getTime()).toBe(at(3 * HOUR).getTime())
    expect(nextAriPoll(t0, at(1000)).getTime()).toBe(at(MIN).getTime())
    expect(nextAriPoll(t0, at(7 * DAY)).getTime()).toBe(at(DAY).getTime())
  })
})

describe('after a failure', () => {
  it('backs off exponentially from 5 minutes, capped at 24 hours', () => {
    const middle = fixed(0.5)
    expect([1, 2, 3, 4].map((n) => failureBackoffMs(n, middle))).toEqual([5 * MIN, 10 * MIN, 20 * MIN, 40 * MIN])
    expect(failureBackoffMs(9, middle)).toBe(5 * MIN * 256)
    expect(failureBackoffMs(10, middle)).toBe(DAY)
    expect(failureBackoffMs(50, middle)).toBe(DAY)
  })

  it('jitters by ±10 %', () => {
    expect(failureBackoffMs(1, fixed(0))).toBe(4.5 * MIN)
    expect(failureBackoffMs(1, fixed(0.999999))).toBeCloseTo(5.5 * MIN, -2)
  })

  it('never retries before the CA’s Retry-After', () => {
    expect(nextAttemptAfterFailure(t0, 1, null, fixed(0.5)).getTime()).toBe(at(5 * MIN).getTime())
    expect(nextAttemptAfterFailure(t0, 1, at(3 * HOUR), fixed(0.5)).getTime()).toBe(at(3 * HOUR).getTime())
    expect(nextAttemptAfterFailure(t0, 1, at(MIN), fixed(0.5)).getTime()).toBe(at(5 * MIN).getTime())
  })

  it('reads Retry-After as seconds or an HTTP date, and ignores the rest', () => {
    expect(parseRetryAfter('120', t0)?.getTime()).toBe(at(120_000).getTime())
    expect(parseRetryAfter('Thu, 01 Jan 2026 03:00:00 GMT', t0)?.getTime()).toBe(at(3 * HOUR).getTime())
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', t0)).toBeNull()
    expect(parseRetryAfter('-5', t0)).toBeNull()
    expect(parseRetryAfter('soon', t0)).toBeNull()
    expect(parseRetryAfter('', t0)).toBeNull()
    expect(parseRetryAfter(null, t0)).toBeNull()
  })

  it('reads the obsolete HTTP-date forms as UTC, and refuses what is no HTTP-date', () => {
    expect(parseRetryAfter('Thursday, 01-Jan-26 03:00:00 GMT', t0)?.getTime()).toBe(at(3 * HOUR).getTime())
    // asctime carries no zone and is UTC all the same (Date.parse would read it as local time).
    expect(parseRetryAfter('Thu Jan  1 03:00:00 2026', t0)?.getTime()).toBe(at(3 * HOUR).getTime())
    expect(parseRetryAfter('2026-01-01T03:00:00Z', t0)).toBeNull()
    expect(parseRetryAfter('retry in 2030', t0)).toBeNull()
    expect(parseRetryAfter('1.5', t0)).toBeNull()
  })

  it('waits at most 30 days for a Retry-After, however far it points', () => {
    expect(parseRetryAfter('99999999999999999999999', t0)?.getTime()).toBe(at(30 * DAY).getTime())
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', t0)?.getTime()).toBe(at(30 * DAY).getTime())
    const next = nextAttemptAfterFailure(t0, 1, parseRetryAfter('99999999999999999999999', t0), fixed(0.5))
    expect(next.toISOString()).toBe(at(30 * DAY).toISOString())
  })
})

describe('when the scheduler starts an order', () => {
  const cert = { notAfter: at(90 * DAY), renewalDueAt: at(60 * DAY), nextAttemptAt: null, failures: 0 }

  it('waits for the due time of a certificate that renews normally', () => {
    expect(attemptDue(cert, at(59 * DAY))).toBe(false)
    expect(attemptDue(cert, at(60 * DAY))).toBe(true)
  })

  it('after failures, waits for the backoff only', () => {
    const failing = { ...cert, failures: 2, nextAttemptAt: at(61 * DAY) }
    expect(attemptDue(failing, at(60.5 * DAY))).toBe(false)
    expect(attemptDue(failing, at(61 * DAY))).toBe(true)
  })

  it('orders at once for a domain that never had a certificate', () => {
    expect(attemptDue({ notAfter: null, renewalDueAt: null, nextAttemptAt: null, failures: 0 }, t0)).toBe(true)
  })

  it('after a cancel, waits for the time set then even when the certificate is due, or never had one', () => {
    const canceled = { ...cert, nextAttemptAt: at(60.1 * DAY) }
    expect(attemptDue(canceled, at(60 * DAY))).toBe(false)
    expect(attemptDue(canceled, at(60.1 * DAY))).toBe(true)
    const first = { notAfter: null, renewalDueAt: null, nextAttemptAt: at(5 * MIN), failures: 0 }
    expect(attemptDue(first, t0)).toBe(false)
    expect(attemptDue(first, at(5 * MIN))).toBe(true)
  })
})

describe('status and the expiry warning', () => {
  it('is pending or failed without a certificate, valid, expiring only while renewal fails, expired after', () => {
    expect(restingStatus({ notAfter: null, failures: 0 }, t0)).toBe('pending')
    expect(restingStatus({ notAfter: null, failures: 1 }, t0)).toBe('failed')
    expect(restingStatus({ notAfter: at(5 * DAY), failures: 0 }, t0)).toBe('valid')
    expect(restingStatus({ notAfter: at(8 * DAY), failures: 3 }, t0)).toBe('valid')
    expect(restingStatus({ notAfter: at(7 * DAY), failures: 3 }, t0)).toBe('expiring')
    expect(restingStatus({ notAfter: t0, failures: 3 }, t0)).toBe('expired')
    expect(restingStatus({ notAfter: at(-1), failures: 0 }, t0)).toBe('expired')
  })

  it('warns once per day at most', () => {
    expect(expiryWarningDue('expiring', null, t0)).toBe(true)
    expect(expiryWarningDue('expiring', at(-23 * HOUR), t0)).toBe(false)
    expect(expiryWarningDue('expiring', at(-DAY), t0)).toBe(true)
    expect(expiryWarningDue('valid', null, t0)).toBe(false)
    expect(expiryWarningDue('expired', null, t0)).toBe(false)
  })
})
