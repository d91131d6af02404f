import { describe, expect, it } from 'vitest'
import { forEachLimited } from './limited'

describe('forEachLimited', () => {
  it('never has more than the limit in flight and runs every item', async () => {
    let inFlight = 0
    let peak = 0
    const done: number[] = []
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setTimeout(r, 5 * (n % 3)))
      inFlight--
      done.push(n)
    })
    expect(peak).toBe(3)
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('finishes the other items, then rejects with the first failure', async () => {
    const done: number[] = []
    await expect(
      forEachLimited([1, 2, 3], 2, async (n) => {
        if (n === 1) throw new Error('one')
        done.push(n)
      }),
    ).rejects.toThrow('one')
    expect(done).toEqual([2, 3])
  })
})
