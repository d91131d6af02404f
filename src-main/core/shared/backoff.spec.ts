import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff'

const options = { initialMs: 500, maxMs: 30_000 }

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to the maximum', () => {
    const ceiling = (attempt: number) => backoffDelay(attempt, options, () => 0.999999)
    expect([1, 2, 3, 4, 7, 20].map(ceiling)).toEqual([499, 999, 1999, 3999, 29_999, 29_999])
  })

  it('spreads delays uniformly from zero (full jitter)', () => {
    expect(backoffDelay(5, options, () => 0)).toBe(0)
    expect(backoffDelay(5, options, () => 0.5)).toBe(4000)
    const samples = Array.from({ length: 2000 }, () => backoffDelay(3, options))
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...samples)).toBeLessThan(2000)
    const mean = samples.reduce((sum, d) => sum + d, 0) / samples.length
    expect(mean).toBeGreaterThan(850)
    expect(mean).toBeLessThan(1150)
  })
})
