import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { keyedDebounce } from './keyed-debounce'

describe('keyedDebounce', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('runs a burst for one key once, the delay after its last call, with the last run given', () => {
    const later = keyedDebounce(150)
    const runs: string[] = []
    later('a', () => runs.push('first'))
    vi.advanceTimersByTime(100)
    later('a', () => runs.push('second'))
    vi.advanceTimersByTime(100)
    expect(runs).toEqual([])
    vi.advanceTimersByTime(50)
    expect(runs).toEqual(['second'])
    vi.advanceTimersByTime(1_000)
    expect(runs).toEqual(['second'])
  })

  it('lets each key wait on its own, and a key run again after its burst ended', () => {
    const later = keyedDebounce(150)
    const runs: string[] = []
    later('a', () => runs.push('a'))
    later('b', () => runs.push('b'))
    vi.advanceTimersByTime(150)
    expect(runs.sort()).toEqual(['a', 'b'])
    later('a', () => runs.push('a again'))
    vi.advanceTimersByTime(150)
    expect(runs).toContain('a again')
  })
})
