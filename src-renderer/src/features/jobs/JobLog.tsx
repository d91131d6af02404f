import { useEffect, useRef, useState } from 'react'
import type { JobLogLine } from '../../../../src-preload/contract/jobs'
import { openStream } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { ErrorText } from '../../components/ErrorText'

const KEPT = 500

/** A job's kept log lines (the last 500), then new ones as they come, until the job ends. */
export function JobLog({ jobId }: { jobId: string }) {
  const [lines, setLines] = useState<JobLogLine[]>([])
  const [skipped, setSkipped] = useState(0)
  const [ended, setEnded] = useState<{ error: ApiError | null } | null>(null)
  const boxRef = useRef<HTMLPreElement>(null)
  useEffect(() => {
    const stream = openStream(
      'jobs.log',
      { jobId },
      {
        onData: (batch) => {
          setLines((current) => [...current, ...batch.lines].slice(-KEPT))
          if (batch.skipped) setSkipped((n) => n + batch.skipped!)
        },
        onEnd: (error) => setEnded({ error: error ?? null }),
      },
    )
    return () => stream.close()
  }, [jobId])
  useEffect(() => {
    const box = boxRef.current
    if (box) box.scrollTop = box.scrollHeight
  }, [lines])
  return (
    <div className="job-log">
      {skipped > 0 && <p className="muted small">{skipped} earlier lines were dropped while this view fell behind.</p>}
      <pre className="json-block" ref={boxRef} tabIndex={0} data-testid="job-log" aria-label={`Log of job ${jobId}`}>
        {lines.length === 0
          ? ended
            ? 'No log lines.'
            : 'Waiting for log lines…'
          : lines.map((line) => line.text).join('\n')}
      </pre>
      {ended?.error && <ErrorText code={ended.error.code} message={ended.error.message} />}
    </div>
  )
}
