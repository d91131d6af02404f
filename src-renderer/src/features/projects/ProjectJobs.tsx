import { X } from 'lucide-react'
import { useEffect, useMemo } from 'react'
import { Link } from 'wouter'
import type { JobSummary } from '../../../../src-preload/contract/jobs'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { ErrorText } from '../../components/ErrorText'
import { StatusChip } from '../../components/StatusChip'
import { PermittedButton } from '../connection/PermittedButton'
import { jobKindText } from '../jobs/job-kinds'
import { JobProgress } from '../jobs/JobProgress'
import { paths } from '../shell/routes'
import { useNoticesStore } from '../shell/notices-store'
import { useJobsWatchStore, type JobsKey } from './jobs-watch-store'
import { isActive, projectJobs } from './project-jobs'
import { useProjectsStore } from './projects-store'

const EMPTY: JobSummary[] = []
const NO_IDS: string[] = []

/** Running deploys of a project's services (and its "Start all"), with progress and a cancel button. */
export function ProjectJobs({
  hostId,
  projectId,
  services,
}: {
  hostId: string
  projectId: string
  services: ServiceSummary[]
}) {
  const key: JobsKey = `host:${hostId}`
  const watch = useJobsWatchStore((s) => s.watch)
  const all = useJobsWatchStore((s) => s.byKey[key]) ?? EMPTY
  const started = useProjectsStore((s) => s.startedJobs[projectId]) ?? NO_IDS
  useEffect(() => watch(key), [watch, key])
  const jobs = useMemo(
    () => projectJobs(all, new Set(services.map((s) => s.id)), new Set(started)),
    [all, services, started],
  )
  if (jobs.length === 0) return null
  const nameOf = (job: JobSummary): string =>
    services.find((s) => s.id === job.serviceId)?.spec.name ?? (job.serviceId ? 'removed service' : 'all services')
  return <JobList jobs={jobs} nameOf={nameOf} label="Jobs of this project" />
}

/** The jobs of one service, for its page: `jobs.list {serviceId}`, current through `jobs.changed`. */
export function ServiceJobs({ serviceId }: { serviceId: string }) {
  const key: JobsKey = `service:${serviceId}`
  const watch = useJobsWatchStore((s) => s.watch)
  const all = useJobsWatchStore((s) => s.byKey[key]) ?? EMPTY
  useEffect(() => watch(key), [watch, key])
  const jobs = useMemo(() => projectJobs(all, new Set([serviceId]), new Set()), [all, serviceId])
  if (jobs.length === 0) return null
  return <JobList jobs={jobs} nameOf={() => ''} label="Jobs of this service" />
}

function JobList({ jobs, nameOf, label }: { jobs: JobSummary[]; nameOf(job: JobSummary): string; label: string }) {
  const cancel = useJobsWatchStore((s) => s.cancel)
  const notify = useNoticesStore((s) => s.notify)
  return (
    <section className="card project-jobs" aria-label={label}>
      <ul className="job-list">
        {jobs.map((job) => {
          const name = nameOf(job)
          return (
            <li key={job.id} data-testid="project-job" data-status={job.status}>
              <div className="job-line">
                <strong title={job.kind}>{jobKindText(job.kind)}</strong>
                {name && <span>{name}</span>}
                <StatusChip tone={job.status === 'failed' ? 'bad' : 'warn'} state={job.status}>
                  {job.status}
                </StatusChip>
                <span className="muted small">{job.message ?? ''}</span>
                <div className="toolbar-end">
                  <Link href={`${paths.jobs()}?`} className="link-btn small">
                    Log in Jobs
                  </Link>
                  {isActive(job) && (
                    <PermittedButton
                      permission="operate"
                      className="btn"
                      aria-label={`Cancel ${job.kind}${name ? ` of ${name}` : ''}`}
                      onClick={() =>
                        void cancel(job.id).catch((err: unknown) => {
                          const e = toApiError(err)
                          notify({
                            tone: 'bad',
                            code: e.code,
                            text: `Could not cancel ${job.kind}.`,
                            detail: e.message,
                          })
                        })
                      }
                    >
                      <X size={14} aria-hidden="true" /> Cancel
                    </PermittedButton>
                  )}
                </div>
              </div>
              {isActive(job) ? (
                <JobProgress job={job} label={`${job.kind}${name ? ` of ${name}` : ''}`} />
              ) : (
                job.error && <ErrorText code={job.error.code} message={job.error.message} />
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
