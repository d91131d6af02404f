import type { Readable } from 'node:stream'
import type { StatsSample } from '../../../src-preload/contract/containers'
import { computeStats, containerOf, mapDockerError } from '../../infra/docker'
import type { HostConnections } from '../hosts/host-connections'
import type { StreamControl, StreamSink } from '../rpc/stream-channel'
import { AppError, isAppError, toErrorBody } from '../shared/app-error'

/** The engine's ~1 sample/s stats stream, computed as `docker stats` does, resumed after link drops. */
export function openStatsStream(
  connections: HostConnections,
  params: { hostId: string; containerId: string },
  sink: StreamSink<StatsSample>,
): StreamControl {
  const connection = connections.get(params.hostId)
  let closed = false
  let current: Readable | null = null

  async function followOnce(): Promise<void> {
    const docker = await connection.docker()
    let stream: Readable
    try {
      stream = (await containerOf(docker, params.containerId).stats({ stream: true })) as unknown as Readable
    } catch (err) {
      throw mapDockerError(err, `container ${params.containerId}`)
    }
    current = stream
    let buffered = ''
    await new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8')
        let newline: number
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim()
          buffered = buffered.slice(newline + 1)
          // Samples are tiny and arrive once a second: a slow client simply skips some.
          if (line && !sink.congested) sink.data(computeStats(JSON.parse(line)))
        }
      })
      stream.once('end', resolve)
      stream.once('close', resolve)
      stream.once('error', () => resolve())
    })
    current = null
  }

  async function run(): Promise<void> {
    while (!closed) {
      try {
        await followOnce()
        if (closed) return
        await new Promise((resolve) => setTimeout(resolve, 500))
        await connection.whenConnected()
      } catch (err) {
        if (closed) return
        if (await connection.recoverFrom(err)) continue
        finish(isAppError(err) ? err : new AppError('internal', 'Stats stream failed'))
        return
      }
    }
  }

  function finish(error?: AppError): void {
    if (closed) return
    closed = true
    current?.destroy()
    sink.end(error ? toErrorBody(error) : undefined)
  }

  void run()
  return { close: () => finish() }
}
