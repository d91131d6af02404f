import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DockerEvent } from '../../infra/docker'
import { EventBus } from '../events/event-bus'
import type { HostConnections } from '../hosts/host-connections'
import { ResourcesWatcher, THROTTLE_MS } from './resources-watcher'

function fakeConnections() {
  let onEvent: (hostId: string, event: DockerEvent) => void = () => undefined
  let onResync: (hostId: string) => void = () => undefined
  const connections = {
    onEngineEvent: (listener: typeof onEvent) => ((onEvent = listener), () => undefined),
    onResync: (listener: typeof onResync) => ((onResync = listener), () => undefined),
  } as unknown as HostConnections
  const event = (hostId: string, Type: string, Action = 'create'): void =>
    onEvent(hostId, { Type, Action, Actor: { ID: 'x' }, time: 0, timeNano: 0 })
  return { connections, event, resync: (hostId: string) => onResync(hostId) }
}

describe('ResourcesWatcher', () => {
  let bus: EventBus
  let pushed: unknown[]
  beforeEach(() => {
    vi.useFakeTimers()
    bus = new EventBus()
    pushed = []
    bus.on('resources.changed', (payload) => pushed.push(payload))
  })
  afterEach(() => vi.useRealTimers())

  it('pushes the first event at once and folds a burst into one more push per host and kind', () => {
    const fake = fakeConnections()
    const watcher = new ResourcesWatcher(fake.connections, bus)
    for (let i = 0; i < 50; i++) fake.event('h1', 'volume', 'destroy')
    fake.event('h1', 'image', 'delete')
    fake.event('h2', 'volume', 'create')
    expect(pushed).toEqual([
      { hostId: 'h1', kind: 'volume' },
      { hostId: 'h1', kind: 'image' },
      { hostId: 'h2', kind: 'volume' },
    ])
    vi.advanceTimersByTime(THROTTLE_MS)
    expect(pushed.slice(3)).toEqual([{ hostId: 'h1', kind: 'volume' }])
    vi.advanceTimersByTime(THROTTLE_MS * 4)
    expect(pushed).toHaveLength(4)
    watcher.dispose()
  })

  it('ignores container events except create and destroy, which change what is in use', () => {
    const fake = fakeConnections()
    const watcher = new ResourcesWatcher(fake.connections, bus)
    fake.event('h1', 'container', 'start')
    fake.event('h1', 'container', 'die')
    expect(pushed).toEqual([])
    fake.event('h1', 'container', 'destroy')
    expect(pushed.map((p) => (p as { kind: string }).kind).sort()).toEqual(['image', 'network', 'volume'])
    watcher.dispose()
  })

  it('pushes every kind after a reconnect, and nothing after dispose', () => {
    const fake = fakeConnections()
    const watcher = new ResourcesWatcher(fake.connections, bus)
    fake.resync('h1')
    expect(pushed).toHaveLength(3)
    fake.event('h1', 'network', 'connect')
    watcher.dispose()
    vi.advanceTimersByTime(THROTTLE_MS * 2)
    expect(pushed).toHaveLength(3)
  })
})
