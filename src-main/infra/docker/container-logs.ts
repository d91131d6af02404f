import type { IncomingMessage } from 'node:http'
import type Dockerode from 'dockerode'
import { assertContainerRef, containerOf } from './container-ref'
import { AppError } from '../../core/shared/app-error'
import { mapDockerError } from './docker-errors'
import { LogDemuxer, type LogLine } from './log-demux'

export interface LogsRequest {
  /** Whether the container has a TTY; looked up with an inspect when not given. */
  tty?: boolean
  timestamps?: boolean
  /** Number of lines from the end; all when omitted. */
  tail?: number
  /** Unix seconds (a `seconds.nanoseconds` string works too). */
  since?: number | string
  until?: number | string
  stdout?: boolean
  stderr?: boolean
}

/**
 * Reads a container's logs once and splits them into lines.
 *
 * Not `container.logs()`: for a non-follow request docker-modem buffers the body and returns `JSON.parse(body)`
 * when that succeeds, so a TTY container whose whole output is `42` or `true` comes back as a number or boolean
 * instead of a Buffer. Asking for a stream and demultiplexing as the bytes arrive avoids that.
 */
export async function fetchLogs(docker: Dockerode, id: string, request: LogsRequest = {}): Promise<LogLine[]> {
  const tty = request.tty ?? (await isTty(docker, id))
  const res = await openLogStream(docker, id, request, false)
  const lines: LogLine[] = []
  const demuxer = new LogDemuxer({ tty, timestamps: request.timestamps ?? false }, (line) => lines.push(line))
  try {
    for await (const chunk of res) demuxer.push(chunk as Buffer)
  } catch (err) {
    throw mapDockerError(err, `logs of container ${id}`)
  }
  demuxer.end()
  return lines
}

/**
 * Follows a container's logs. `onEnd` is called once: without an error when the container stops (the daemon ends
 * the stream), with one when the connection fails; never after the returned stop function was called.
 */
export async function followLogs(
  docker: Dockerode,
  id: string,
  request: LogsRequest,
  onLine: (line: LogLine) => void,
  onEnd: (err?: AppError) => void,
): Promise<() => void> {
  const tty = request.tty ?? (await isTty(docker, id))
  const abort = new AbortController()
  const res = await openLogStream(docker, id, request, true, abort.signal)
  let stopped = false
  const demuxer = new LogDemuxer({ tty, timestamps: request.timestamps ?? false }, (line) => {
    if (!stopped) onLine(line)
  })
  const finish = (err?: AppError): void => {
    if (stopped) return
    // Before `stopped` is set: the trailing line without a newline is still delivered.
    if (!err) demuxer.end()
    stopped = true
    res.destroy()
    onEnd(err)
  }
  res.on('data', (chunk: Buffer) => {
    if (!stopped) demuxer.push(chunk)
  })
  res.on('end', () => finish())
  res.on('error', (err) => finish(mapDockerError(err, `logs of container ${id}`)))
  // A socket that dies mid-stream can close the response without 'end'.
  res.on('close', () => finish(res.complete ? undefined : new AppError('docker_unreachable', 'Log stream closed')))
  return () => {
    if (stopped) return
    stopped = true
    abort.abort()
    res.destroy()
  }
}

export async function isTty(docker: Dockerode, id: string): Promise<boolean> {
  assertContainerRef(id)
  try {
    const info = await containerOf(docker, id).inspect()
    return info.Config?.Tty === true
  } catch (err) {
    throw mapDockerError(err, `container ${id}`)
  }
}

function openLogStream(
  docker: Dockerode,
  id: string,
  request: LogsRequest,
  follow: boolean,
  abortSignal?: AbortSignal,
): Promise<IncomingMessage> {
  assertContainerRef(id)
  const query: Record<string, unknown> = {
    follow,
    stdout: request.stdout ?? true,
    stderr: request.stderr ?? true,
    timestamps: request.timestamps ?? false,
  }
  if (request.tail !== undefined) query.tail = request.tail
  if (request.since !== undefined) query.since = request.since
  if (request.until !== undefined) query.until = request.until
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        isStream: true,
        options: query,
        ...(abortSignal ? { abortSignal } : {}),
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (err, res) => {
        if (err) reject(mapDockerError(err, `container ${id}`))
        else resolve(res as IncomingMessage)
      },
    )
  })
}
