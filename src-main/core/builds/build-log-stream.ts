import type { BuildLogBatch } from '../../../src-preload/contract/cicd'
import type { StreamControl, StreamSink } from '../rpc/stream-channel'
import type { BuildService } from './build-service'

/** As containers.logs and jobs.log: two frames' worth of lines per message. */
const BATCH_MS = 33
const BATCH_MAX_LINES = 2000
/** Live lines held for a congested client beyond the backlog; older ones are dropped (the file keeps them). */
const MAX_HELD_LIVE_LINES = 20_000

const weightOf = (lines: string[]): number => lines.reduce((sum, line) => sum + line.length + 16, 0)

/**
 * `builds.log`: the build's log file so far, then its new lines as they come, in batches, ending when the build
 * finishes (at once for a finished build). The backlog (up to the file's cap) is sent only as fast as the client
 * acknowledges it; a build cannot be paused for a slow reader, so live lines wait here, and beyond a bound the
 * oldest waiting ones are replaced by a note saying how many (the full log stays readable from the file).
 */
export function openBuildLogStream(
  builds: Pick<BuildService, 'watchLog'>,
  buildId: string,
  sink: StreamSink<BuildLogBatch>,
): StreamControl {
  let closed = false
  let ended = false
  let pending: string[] = []
  let limit = MAX_HELD_LIVE_LINES
  let skipped = 0
  let timer: NodeJS.Timeout | undefined

  function send(): void {
    clearTimeout(timer)
    timer = undefined
    if (closed) return
    while ((pending.length > 0 || skipped > 0) && !sink.congested) {
      const lines = pending.splice(0, BATCH_MAX_LINES)
      if (skipped > 0) {
        lines.unshift(`[glinrdock] ${skipped} lines were skipped here while the viewer caught up`)
        skipped = 0
      }
      sink.data({ lines }, weightOf(lines))
    }
    if (pending.length === 0 && ended) finish()
  }

  function push(lines: string[]): void {
    if (closed) return
    pending.push(...lines)
    if (pending.length > limit) {
      skipped += pending.length - limit
      pending = pending.slice(-limit)
    }
    timer ??= setTimeout(send, BATCH_MS)
  }

  function finish(): void {
    if (closed) return
    closed = true
    clearTimeout(timer)
    stopDrain()
    watch?.stop()
    sink.end()
  }

  const stopDrain = sink.onDrain(() => send())
  let watch: ReturnType<BuildService['watchLog']> | undefined
  try {
    // Throws not_found for an unknown build before anything is sent.
    watch = builds.watchLog(buildId, {
      onLines: push,
      onEnd: () => {
        ended = true
        send()
      },
    })
  } catch (err) {
    stopDrain()
    throw err
  }
  pending = watch.kept
  limit = pending.length + MAX_HELD_LIVE_LINES
  ended = watch.finished
  send()
  return {
    close: () => {
      if (closed) return
      closed = true
      clearTimeout(timer)
      stopDrain()
      watch?.stop()
    },
  }
}
