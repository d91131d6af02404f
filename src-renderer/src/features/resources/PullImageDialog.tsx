import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import { ImageRef } from '../../../../src-preload/contract/grammar'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { ErrorText } from '../../components/ErrorText'
import { Field } from '../../components/Field'
import { call } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { JobProgress } from '../jobs/JobProgress'
import { useJobsStore } from '../jobs/jobs-store'
import { paths } from '../shell/routes'

/**
 * Pulls an image as a job and follows it here: progress from the engine's layer bytes, and the job's
 * outcome in words. The login stored for the image's registry (Settings) is used; closing does not stop it.
 */
export function PullImageDialog({ hostId, open, onClose }: { hostId: string; open: boolean; onClose(): void }) {
  return (
    <Dialog open={open} onOpenChange={(next) => !next && onClose()} title="Pull an image" wide>
      {open && <PullForm hostId={hostId} onClose={onClose} />}
    </Dialog>
  )
}

function PullForm({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [reference, setReference] = useState('')
  const [fieldError, setFieldError] = useState<string | undefined>()
  const [failure, setFailure] = useState<ApiError | null>(null)
  const [jobId, setJobId] = useState<string | null>(null)
  const watch = useJobsStore((s) => s.watch)
  const job = useJobsStore((s) => s.jobs.find((j) => j.id === jobId))
  useEffect(() => watch(), [watch])

  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    const parsed = ImageRef.safeParse(reference.trim())
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message)
    setFieldError(undefined)
    setFailure(null)
    try {
      setJobId((await call('images.pull', { hostId, reference: parsed.data })).jobId)
    } catch (err) {
      const error = toApiError(err)
      if (error.field === 'reference') setFieldError(error.message)
      else setFailure(error)
    }
  }
  const running = job && (job.status === 'queued' || job.status === 'running')
  return (
    <form className="stack" onSubmit={(event) => void submit(event)} noValidate aria-label="Pull an image">
      <Field label="Image" error={fieldError} hint="For example nginx:1.27 or registry.example.com:5000/team/app:1">
        {(props) => (
          <input
            {...props}
            value={reference}
            onChange={(event) => setReference(event.target.value)}
            spellCheck={false}
            autoFocus
            disabled={Boolean(running)}
          />
        )}
      </Field>
      {failure && <ErrorText code={failure.code} message={failure.message} />}
      {job && (
        <div className="stack" data-testid="pull-job" data-status={job.status} role="status" aria-live="polite">
          <JobProgress job={job} label="Pull progress" />
          <span className="small">
            {job.status === 'succeeded'
              ? 'Pulled.'
              : job.status === 'failed' || job.status === 'canceled'
                ? `The pull ${job.status === 'failed' ? 'failed' : 'was canceled'}.`
                : `${job.progress}% ${job.message ?? ''}`}
          </span>
          {job.error && <ErrorText code={job.error.code} message={job.error.message} />}
          <Link href={`${paths.jobs()}?`} className="link-btn">
            See it in Jobs
          </Link>
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Done
        </button>
        <button type="submit" className="btn primary" disabled={Boolean(running)}>
          Pull
        </button>
      </div>
    </form>
  )
}
