import { describe, expect, it } from 'vitest'
import { byExpiry, daysText } from './route-labels'

const NOW = Date.parse('2026-12-02T12:00:00Z')
const DAY = 24 * 3600 * 1000

describe('certificate expiry in words', () => {
  it('counts whole days ahead and behind', () => {
    expect(daysText(new Date(NOW + 62 * DAY).toISOString(), NOW)).toBe('in 62 days')
    expect(daysText(new Date(NOW + DAY).toISOString(), NOW)).toBe('in 1 day')
    expect(daysText(new Date(NOW + 3600_000).toISOString(), NOW)).toBe('today')
    expect(daysText(new Date(NOW - 3 * DAY).toISOString(), NOW)).toBe('3 days ago')
  })

  it('sorts the certificate expiring first on top and those without one last', () => {
    const certs = [
      { domain: 'b.example.com', notAfter: null },
      { domain: 'late.example.com', notAfter: '2027-03-01T00:00:00Z' },
      { domain: 'a.example.com', notAfter: null },
      { domain: 'soon.example.com', notAfter: '2026-12-10T00:00:00Z' },
    ]
    expect(certs.sort(byExpiry).map((c) => c.domain)).toEqual([
      'soon.example.com',
      'late.example.com',
      'a.example.com',
      'b.example.com',
    ])
  })
})
