import { ChevronDown, ChevronRight, X } from 'lucide-react'
import { Fragment, useEffect, useState } from 'react'
import type { JobStatus, JobSummary } from '../../../../src-preload/contract/jobs'
import { toApiError } from '../../components/ConfirmDialog'
import { ErrorText } from '../../components/ErrorText'
import { RelativeTime } from '../../components/RelativeTime'
import { ShortId } from '../../components/ShortId'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { StatusChip, type Tone } from '../../components/StatusChip'
import { PermittedButton } from '../connection/PermittedButton'
import { useHostsStore } from '../hosts/hosts-store'
import { useNoticesStore } from '../shell/notices-store'
import { useQueryParam } from '../shell/use-route'
import { jobKindText } from './job-kinds'
import { JobLog } from './JobLog'
import { JobProgress } from './JobProgress'
import { useJobsStore } from './jobs-store'

const TONES: Record<JobStatus, Tone> = {
  queued: 'neutral',
  running: 'warn',
  succeeded: 'ok',
  failed: 'bad',
  canceled: 'neutral',
}
const FILTERS = ['all', 'active', 'failed'] as const

function duration(job: JobSummary): string {
  if (!job.startedAt) return '—'
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now()
  const seconds = Math.max(0, (end - Date.parse(job.startedAt)) / 1000)
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}

/** Every long operation: running and recent jobs with their progress, log and a cancel action. */
export function JobsPage() {
  const { jobs, status, error, load, watch, cancel } = useJobsStore()
  const hosts = useHostsStore((s) => s.hosts)
  const notify = useNoticesStore((s) => s.notify)
  const [filter, setFilter] = useQueryParam('show', 'all')
  const [open, setOpen] = useState<string | null>(null)
  useEffect(() => watch(), [watch])

  if (status === 'error' && error) return <ErrorState error={error} onRetry={() => void load()} />
  if (status === 'loading') return <Loading label="Loading jobs…" />
  const shown = jobs.filter((job) =>
    filter === 'active'
      ? job.status === 'queued' || job.status === 'running'
      : filter === 'failed'
        ? job.status === 'failed'
        : true,
  )
  const hostName = (id: string | null): string => (id ? (hosts.find((h) => h.id === id)?.name ?? 'removed host') : '—')
  const stop = (job: JobSummary): void => {
    cancel(job.id).catch((err: unknown) => {
      const e = toApiError(err)
      notify({ tone: 'bad', code: e.code, text: `Could not cancel ${job.kind}.`, detail: e.message })
    })
  }

  return (
    <div className="stack">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Show">
          {FILTERS.map((value) => (
            <button
              key={value}
              type="button"
              className={`btn toggle ${filter === value ? 'on' : ''}`}
              aria-pressed={filter === value}
              onClick={() => setFilter(value)}
            >
              {value === 'all' ? 'All' : value === 'active' ? 'Running and queued' : 'Failed'}
            </button>
          ))}
        </div>
        <span className="muted" data-testid="jobs-count">
          {shown.length} job{shown.length === 1 ? '' : 's'}
        </span>
      </div>
      {shown.length === 0 ? (
        <EmptyState title={jobs.length === 0 ? 'No jobs yet' : 'No jobs match'}>
          {jobs.length === 0
            ? 'Pulls, deploys, builds and certificates run as jobs; they appear here with their progress and log.'
            : 'Show all to see the others.'}
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table data-table" aria-label="Jobs">
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Log</span>
                </th>
                <th scope="col">Job</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Host</th>
                <th scope="col">Created</th>
                <th scope="col">Took</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((job) => {
                const expanded = open === job.id
                const active = job.status === 'queued' || job.status === 'running'
                return (
                  <Fragment key={job.id}>
                    <tr data-testid="job-row" data-status={job.status}>
                      <td>
                        <button
                          type="button"
                          className="icon-btn"
                          aria-expanded={expanded}
                          aria-label={`${expanded ? 'Hide' : 'Show'} the log of ${job.kind} ${job.id}`}
                          onClick={() => setOpen(expanded ? null : job.id)}
                        >
                          {expanded ? (
                            <ChevronDown size={14} aria-hidden="true" />
                          ) : (
                            <ChevronRight size={14} aria-hidden="true" />
                          )}
                        </button>
                      </td>
                      <td>
                        <div className="name-cell">
                          <span className="name">{jobKindText(job.kind)}</span>
                          {jobKindText(job.kind) !== job.kind && <span className="muted small">{job.kind}</span>}
                          <ShortId id={job.id} label={`Copy ID of job ${job.id}`} />
                        </div>
                      </td>
                      <td>
                        <StatusChip tone={TONES[job.status]} state={job.status}>
                          {job.status}
                        </StatusChip>
                        {job.error && (
                          <div className="field-error small">
                            <ErrorText code={job.error.code} message={job.error.message} />
                          </div>
                        )}
                      </td>
                      <td className="job-progress">
                        <JobProgress job={job} label={`Progress of ${job.kind} ${job.id}`} />
                        <span className="small">{job.progress}%</span>
                        {job.message && <span className="muted small">{job.message}</span>}
                      </td>
                      <td>{hostName(job.hostId)}</td>
                      <td>
                        <RelativeTime iso={job.createdAt} />
                      </td>
                      <td>{duration(job)}</td>
                      <td className="actions">
                        {active && (
                          <PermittedButton
                            permission="operate"
                            className="btn"
                            aria-label={`Cancel ${job.kind} ${job.id}`}
                            onClick={() => stop(job)}
                          >
                            <X size={14} aria-hidden="true" /> Cancel
                          </PermittedButton>
                        )}
                      </td>
                    </tr>
                    {expanded && (
                      <tr className="job-log-row">
                        <td colSpan={8}>
                          <JobLog jobId={job.id} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
