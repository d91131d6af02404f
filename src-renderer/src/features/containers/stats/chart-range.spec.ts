import { describe, expect, it } from 'vitest'
import { formatBytes } from '../../../lib/format'
import { yRange } from './chart-range'

describe('the stats charts’ y axis', () => {
  it('gives an idle or stopped container’s memory an axis whose ticks read as distinct sizes', () => {
    const [low, high] = yRange(0, 16 * 1024 * 1024)
    expect(low).toBe(0)
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => formatBytes(high * f))
    expect(new Set(ticks).size).toBe(ticks.length)
    expect(ticks.at(-1)).toBe('16.0 MiB')
  })

  it('leaves room above the highest value, and never goes below the minimum top', () => {
    expect(yRange(200, 100)[1]).toBeCloseTo(230)
    expect(yRange(10, 100)).toEqual([0, 100])
    expect(yRange(null, 0)).toEqual([0, 1])
  })
})
