import type { JobLogBatch, JobLogLine } from '../../../src-preload/contract/jobs'
import type { StreamControl, StreamSink } from '../rpc/stream-channel'
import { MAX_LOG_LINES } from './job-log-hub'
import type { JobRunner, LogWatch } from './job-runner'

/** As containers.logs: two frames' worth of lines per message, so a chatty job cannot flood the transport. */
const BATCH_MS = 33
const BATCH_MAX_LINES = 2000

const weightOf = (lines: JobLogLine[]): number => lines.reduce((sum, line) => sum + line.text.length + 32, 0)

/**
 * `jobs.log`: the lines a job has kept, then its new lines live, in batches; the stream ends when the job
 * finishes (at once for a finished job). A job cannot be paused for a slow reader, so while the client is
 * congested lines wait here, and beyond the 500 a job keeps the oldest are dropped and counted in `skipped`.
 */
export function openJobLogStream(runner: JobRunner, jobId: string, sink: StreamSink<JobLogBatch>): StreamControl {
  let closed = false
  let batch: JobLogLine[] = []
  let skipped = 0
  let timer: NodeJS.Timeout | undefined

  function send(force: boolean): void {
    clearTimeout(timer)
    timer = undefined
    if (closed || (batch.length === 0 && skipped === 0)) return
    if (sink.congested && !force) return // sent on drain
    while (batch.length > 0 || skipped > 0) {
      const lines = batch.splice(0, BATCH_MAX_LINES)
      sink.data(skipped > 0 ? { lines, skipped } : { lines }, weightOf(lines))
      skipped = 0
    }
  }

  function push(lines: JobLogLine[]): void {
    if (closed) return
    batch.push(...lines)
    if (batch.length > MAX_LOG_LINES) {
      skipped += batch.length - MAX_LOG_LINES
      batch = batch.slice(-MAX_LOG_LINES)
    }
    timer ??= setTimeout(() => send(false), BATCH_MS)
  }

  function finish(): void {
    if (closed) return
    send(true)
    closed = true
    stopDrain()
    watch?.stop()
    sink.end()
  }

  const stopDrain = sink.onDrain(() => send(false))
  let watch: LogWatch | undefined
  try {
    // Throws not_found for an unknown job before anything is sent.
    watch = runner.watchLog(jobId, { onLines: push, onEnd: finish })
  } catch (err) {
    stopDrain()
    throw err
  }
  batch = watch.kept
  send(true)
  if (watch.finished) finish()
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
