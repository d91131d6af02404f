import type Dockerode from 'dockerode'
import { AppError } from '../../core/shared/app-error'
import { mapDockerError } from './docker-errors'

/** One message of `GET /events` (API ≥ 1.22 shape). */
export interface DockerEvent {
  Type: string
  Action: string
  Actor: { ID: string; Attributes?: Record<string, string> }
  scope?: string
  time: number
  /** Precise only to ~256 ns once parsed into a JS number; use the watch's `lastTimeNano` for resuming. */
  timeNano: number
  /** Pre-1.22 duplicates of Action / Actor.ID / the image, still sent for container events by many engines. */
  status?: string
  id?: string
  from?: string
}

export interface WatchEventsOptions {
  /** Unix seconds, or a `seconds.nanoseconds` string such as a watch's `resumeSince`. Inclusive. */
  since?: number | string
  /** Docker event filters, e.g. `{type: ['container'], label: ['glinrdock.project=7']}`. */
  filters?: Record<string, string[]>
}

/** Calling it stops the watch; its properties say where a new watch should resume. */
export interface EventWatch {
  (): void
  /** `timeNano` of the last event delivered, read exactly from the JSON text. */
  readonly lastTimeNano: bigint | undefined
  /** `since` for a new watch that starts right after the last delivered event, or undefined if there was none. */
  readonly resumeSince: string | undefined
}

// A single event is well under 4 KiB; a longer "line" means we are not reading an event stream.
const MAX_LINE_BYTES = 1024 * 1024
const NEWLINE = 0x0a

/**
 * Streams `GET /events` (NDJSON) to `onEvent` until stopped. `onError` is called at most once, when the stream
 * fails or ends on its own (daemon restart, tunnel drop), after which nothing more is delivered; callers resume
 * with `since: watch.resumeSince` (the daemon replays its last 256 events at most, so gaps are still possible).
 */
export function watchEvents(
  docker: Dockerode,
  options: WatchEventsOptions,
  onEvent: (event: DockerEvent) => void,
  onError: (err: AppError) => void,
): EventWatch {
  const abort = new AbortController()
  let stream: NodeJS.ReadableStream | undefined
  let stopped = false
  let lastTimeNano: bigint | undefined
  let pending: Buffer = Buffer.alloc(0)

  const stop = (): void => {
    if (stopped) return
    stopped = true
    abort.abort()
    // The abort signal covers the request; a response already streaming must be destroyed as well.
    if (stream && 'destroy' in stream && typeof stream.destroy === 'function') stream.destroy()
  }

  const fail = (err: AppError): void => {
    if (stopped) return
    stop()
    onError(err)
  }

  const handleLine = (line: Buffer): void => {
    const text = line.toString('utf8').trim()
    if (text === '') return
    let event: DockerEvent
    try {
      event = JSON.parse(text) as DockerEvent
    } catch {
      fail(new AppError('internal', 'Docker events: malformed event in the stream'))
      return
    }
    // JSON.parse rounds a 19-digit timeNano to the nearest float64 (±128 ns), so take it from the text.
    const exact = /"timeNano"\s*:\s*(\d+)/.exec(text)?.[1]
    if (exact !== undefined) lastTimeNano = BigInt(exact)
    else if (typeof event.time === 'number') lastTimeNano = BigInt(event.time) * 1_000_000_000n
    onEvent(event)
  }

  const onData = (chunk: Buffer | string): void => {
    if (stopped) return
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    let data = pending.length === 0 ? bytes : Buffer.concat([pending, bytes])
    for (let nl = data.indexOf(NEWLINE); nl !== -1 && !stopped; nl = data.indexOf(NEWLINE)) {
      handleLine(data.subarray(0, nl))
      data = data.subarray(nl + 1)
    }
    pending = Buffer.from(data)
    if (pending.length > MAX_LINE_BYTES) fail(new AppError('internal', 'Docker events: line too long'))
  }

  const query: Record<string, unknown> = { abortSignal: abort.signal }
  if (options.since !== undefined) query.since = options.since
  if (options.filters !== undefined) query.filters = options.filters
  // @types/dockerode types `since` as a number only and has no abortSignal; both are passed through as is.
  docker.getEvents(query as Dockerode.GetEventsOptions).then(
    (res) => {
      if (stopped) {
        ;(res as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
        return
      }
      stream = res
      res.on('data', onData)
      res.on('error', (err: unknown) => fail(mapDockerError(err, 'Docker events')))
      const closed = (): void => fail(new AppError('docker_unreachable', 'Docker events: the engine closed the stream'))
      res.on('end', closed)
      // A reset socket may close the response without 'end' or 'error'.
      res.on('close', closed)
    },
    (err: unknown) => fail(mapDockerError(err, 'Docker events')),
  )

  return Object.defineProperties(stop, {
    lastTimeNano: { get: () => lastTimeNano, enumerable: true },
    resumeSince: {
      get: () => (lastTimeNano === undefined ? undefined : formatSince(lastTimeNano + 1n)),
      enumerable: true,
    },
  }) as EventWatch
}

/** Formats nanoseconds since the epoch as the `seconds.nanoseconds` string the daemon parses for `since`. */
export function formatSince(timeNano: bigint): string {
  const seconds = timeNano / 1_000_000_000n
  const nanos = timeNano % 1_000_000_000n
  return `${seconds}.${nanos.toString().padStart(9, '0')}`
}
