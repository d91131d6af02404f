import { describe, expect, it } from 'vitest'
import { TokenBucket } from './token-bucket'

describe('TokenBucket', () => {
  it('allows a burst up to its capacity, then refills at its rate and never beyond capacity', () => {
    let now = 0
    const bucket = new TokenBucket(3, 2, () => now)
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
    now += 499
    expect(bucket.take()).toBe(false)
    now += 1
    expect(bucket.take()).toBe(true)
    now += 60_000
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
  })
})
