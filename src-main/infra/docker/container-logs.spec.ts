import { PassThrough } from 'node:stream'
import type Dockerode from 'dockerode'
import { describe, expect, it } from 'vitest'
import type { AppError } from '../../core/shared/app-error'
import { fetchLogs, followLogs } from './container-logs'
import type { LogLine } from './log-demux'

/** FAKE engine: inspect answers with the TTY flag, the logs request with a stream the test writes to. */
function fakeDocker(tty: boolean) {
  const body = Object.assign(new PassThrough(), { complete: false })
  const paths: string[] = []
  const docker = {
    getContainer: () => ({ inspect: async () => ({ Config: { Tty: tty } }) }),
    modem: {
      dial: (opts: { path: string }, cb: (err: Error | null, res: unknown) => void) => {
        paths.push(opts.path)
        setImmediate(() => cb(null, body))
      },
    },
  } as unknown as Dockerode
  return { docker, body, paths }
}

const frame = (type: number, text: string) => {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('fetchLogs', () => {
  it('demultiplexes according to the container TTY flag', async () => {
    const { docker, body } = fakeDocker(false)
    const lines = fetchLogs(docker, 'web')
    setImmediate(() => body.end(Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n')])))
    expect(await lines).toEqual([
      { stream: 'stdout', text: 'a' },
      { stream: 'stderr', text: 'b' },
    ])
  })

  it('refuses ids that would change the request path', async () => {
    const { docker, paths } = fakeDocker(false)
    await expect(fetchLogs(docker, '../../images/json', { tty: false })).rejects.toMatchObject({ code: 'validation' })
    expect(paths).toEqual([])
  })
})

describe('followLogs', () => {
  it('delivers lines, then the trailing partial line and a clean end when the daemon finishes', async () => {
    const { docker, body } = fakeDocker(true)
    const lines: LogLine[] = []
    const ends: (AppError | undefined)[] = []
    await followLogs(
      docker,
      'web',
      {},
      (l) => lines.push(l),
      (err) => ends.push(err),
    )
    body.write('one\r\ntw')
    body.complete = true
    body.end('o')
    await new Promise((r) => setTimeout(r, 10))
    expect(lines.map((l) => l.text)).toEqual(['one', 'two'])
    expect(ends).toEqual([undefined])
  })

  it('reports docker_unreachable when the connection drops mid-stream', async () => {
    const { docker, body } = fakeDocker(true)
    const ends: (AppError | undefined)[] = []
    await followLogs(
      docker,
      'web',
      {},
      () => {},
      (err) => ends.push(err),
    )
    body.destroy()
    await new Promise((r) => setTimeout(r, 10))
    expect(ends.map((e) => e?.code)).toEqual(['docker_unreachable'])
  })

  it('calls nothing back after stop', async () => {
    const { docker, body } = fakeDocker(true)
    const lines: LogLine[] = []
    let ends = 0
    const stop = await followLogs(
      docker,
      'web',
      {},
      (l) => lines.push(l),
      () => ends++,
    )
    stop()
    body.write('late\n')
    await new Promise((r) => setTimeout(r, 10))
    expect(lines).toEqual([])
    expect(ends).toBe(0)
    expect(body.destroyed).toBe(true)
  })
})
