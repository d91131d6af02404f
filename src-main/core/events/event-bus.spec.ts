import { describe, expect, it } from 'vitest'
import { EventBus } from './event-bus'

describe('EventBus', () => {
  it('keeps delivering to the other listeners, and returns to the emitter, when one listener throws', () => {
    const failures: string[] = []
    const bus = new EventBus((err, event) => failures.push(`${event}: ${(err as Error).message}`))
    const heard: string[] = []
    bus.on('tokens.changed', () => {
      throw new Error('client gone')
    })
    bus.on('tokens.changed', () => heard.push('second'))
    bus.onAny((event) => heard.push(`any ${event}`))
    expect(() => bus.emit('tokens.changed', {})).not.toThrow()
    expect(heard).toEqual(['second', 'any tokens.changed'])
    expect(failures).toEqual(['tokens.changed: client gone'])
  })

  it('lets a listener unsubscribe itself while the event is being delivered', () => {
    const bus = new EventBus()
    const heard: number[] = []
    const off = bus.on('tokens.changed', () => {
      heard.push(1)
      off()
    })
    bus.on('tokens.changed', () => heard.push(2))
    bus.emit('tokens.changed', {})
    bus.emit('tokens.changed', {})
    expect(heard).toEqual([1, 2, 2])
  })
})
