import { PassThrough } from 'node:stream'
import type Dockerode from 'dockerode'
import { describe, expect, it, vi } from 'vitest'
import type { AppError } from '../../core/shared/app-error'
import { formatSince, watchEvents, type DockerEvent } from './event-stream'

/** FAKE of the one dockerode call watchEvents makes, so chunk boundaries are under the test's control. */
function fakeDocker(result: PassThrough | Error) {
  const getEvents = vi.fn(async (_opts: unknown) => {
    if (result instanceof Error) throw result
    return result
  })
  return { docker: { getEvents } as unknown as Dockerode, getEvents }
}

const event = (action: string, timeNano: string): string =>
  JSON.stringify({
    Type: 'container',
    Action: action,
    Actor: { ID: 'abc', Attributes: { name: 'web' } },
    scope: 'local',
    time: Number(timeNano.slice(0, -9)),
    timeNano: 0,
  }).replace('"timeNano":0', `"timeNano":${timeNano}`)

const tick = () => new Promise((resolve) => setImmediate(resolve))

function collect() {
  const events: DockerEvent[] = []
  const errors: AppError[] = []
  return { events, errors, onEvent: (e: DockerEvent) => events.push(e), onError: (e: AppError) => errors.push(e) }
}

describe('watchEvents', () => {
  it('passes since and filters to the daemon', async () => {
    const { docker, getEvents } = fakeDocker(new PassThrough())
    const stop = watchEvents(
      docker,
      { since: 1700000000, filters: { type: ['container'] } },
      () => {},
      () => {},
    )
    await tick()
    expect(getEvents.mock.calls[0]?.[0]).toMatchObject({ since: 1700000000, filters: { type: ['container'] } })
    stop()
  })

  it('buffers partial lines and delivers events split across chunks in order', async () => {
    const stream = new PassThrough()
    const { docker } = fakeDocker(stream)
    const c = collect()
    const watch = watchEvents(docker, {}, c.onEvent, c.onError)
    await tick()
    const body = Buffer.from(`${event('create', '1714557600000000001')}\n${event('start', '1714557600100000002')}\n`)
    for (let i = 0; i < body.length; i += 7) stream.write(body.subarray(i, i + 7))
    stream.write(`${event('die', '1714557601123456789')}\n\n${event('destroy', '1714557602000000000')}`)
    await tick()
    expect(c.events.map((e) => e.Action)).toEqual(['create', 'start', 'die'])
    stream.write('\n')
    await tick()
    expect(c.events.map((e) => e.Action)).toEqual(['create', 'start', 'die', 'destroy'])
    expect(c.errors).toEqual([])
    watch()
  })

  it('tracks the last timeNano exactly, beyond float64 precision, and resumes one nanosecond later', async () => {
    const stream = new PassThrough()
    const { docker } = fakeDocker(stream)
    const watch = watchEvents(
      docker,
      {},
      () => {},
      () => {},
    )
    expect(watch.resumeSince).toBeUndefined()
    await tick()
    stream.write(`${event('start', '1714557601123456789')}\n`)
    await tick()
    expect(watch.lastTimeNano).toBe(1714557601123456789n)
    expect(watch.resumeSince).toBe('1714557601.123456790')
    watch()
  })

  it('delivers nothing after stop and destroys the response', async () => {
    const stream = new PassThrough()
    const { docker } = fakeDocker(stream)
    const c = collect()
    const stop = watchEvents(docker, {}, c.onEvent, c.onError)
    await tick()
    stop()
    expect(stream.destroyed).toBe(true)
    expect(c.events).toEqual([])
    expect(c.errors).toEqual([])
  })

  it('reports docker_unreachable once when the engine ends the stream', async () => {
    const stream = new PassThrough()
    const { docker } = fakeDocker(stream)
    const c = collect()
    watchEvents(docker, {}, c.onEvent, c.onError)
    await tick()
    stream.end(`${event('start', '1714557600000000000')}\n`)
    await tick()
    await tick()
    expect(c.events).toHaveLength(1)
    expect(c.errors.map((e) => e.code)).toEqual(['docker_unreachable'])
  })

  it('maps a failed request, e.g. a missing socket, to docker_unreachable', async () => {
    const err = Object.assign(new Error('connect ENOENT /nope.sock'), { code: 'ENOENT', address: '/nope.sock' })
    const { docker } = fakeDocker(err)
    const c = collect()
    watchEvents(docker, {}, c.onEvent, c.onError)
    await tick()
    expect(c.errors.map((e) => e.code)).toEqual(['docker_unreachable'])
  })

  it('stops with an internal error on a line that is not JSON', async () => {
    const stream = new PassThrough()
    const { docker } = fakeDocker(stream)
    const c = collect()
    watchEvents(docker, {}, c.onEvent, c.onError)
    await tick()
    stream.write(`<html>\n${event('start', '1714557600000000000')}\n`)
    await tick()
    expect(c.errors.map((e) => e.code)).toEqual(['internal'])
    expect(c.events).toEqual([])
  })

  it('stopping before the response arrives leaves nothing running', async () => {
    const stream = new PassThrough()
    const { docker } = fakeDocker(stream)
    const c = collect()
    const stop = watchEvents(docker, {}, c.onEvent, c.onError)
    stop()
    await tick()
    expect(stream.destroyed).toBe(true)
    expect(c.errors).toEqual([])
  })
})

describe('formatSince', () => {
  it('pads the nanoseconds to nine digits', () => {
    expect(formatSince(1714557600000000001n)).toBe('1714557600.000000001')
    expect(formatSince(5n)).toBe('0.000000005')
  })
})
