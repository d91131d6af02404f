import { describe, expect, it } from 'vitest'
import { KeyedQueue } from './keyed-queue'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('KeyedQueue', () => {
  it('runs one operation per key at a time, in call order, past failures; other keys do not wait', async () => {
    const queue = new KeyedQueue()
    const order: string[] = []
    let releaseFirst!: () => void
    const first = queue.run('a', async () => {
      order.push('a1 start')
      await new Promise<void>((resolve) => (releaseFirst = resolve))
      order.push('a1 end')
      throw new Error('a1 failed')
    })
    const second = queue.run('a', async () => {
      order.push('a2')
      return 2
    })
    const other = queue.run('b', async () => {
      order.push('b1')
      return 'b'
    })
    await tick()
    expect(order).toEqual(['a1 start', 'b1'])
    expect(await other).toBe('b')
    releaseFirst()
    await expect(first).rejects.toThrow('a1 failed')
    expect(await second).toBe(2)
    expect(order).toEqual(['a1 start', 'b1', 'a1 end', 'a2'])
  })
})
