import type { JobSummary } from '../../../../src-preload/contract/jobs'

/** A job's progress bar, coloured by its status, with the percent and message for assistive tech. */
export function JobProgress({ job, label }: { job: JobSummary; label: string }) {
  return (
    <div
      className={`job-bar job-bar-${job.status}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={job.progress}
      aria-valuetext={`${job.progress}%${job.message ? `, ${job.message}` : ''}`}
    >
      <div style={{ width: `${job.progress}%` }} />
    </div>
  )
}
