import type { JobSummary } from '../../../../src-preload/contract/jobs'

/** A failed job stays in view this long, so whoever started it reads why. */
export const FAILED_VISIBLE_MS = 10 * 60_000

export const isActive = (job: JobSummary): boolean => job.status === 'queued' || job.status === 'running'

/**
 * The jobs a project page shows: those of its services or started from it (a "Start all" job may name no
 * service), while they run, and failed ones for a while after.
 */
export function projectJobs(
  jobs: JobSummary[],
  serviceIds: ReadonlySet<string>,
  startedIds: ReadonlySet<string>,
  now = Date.now(),
): JobSummary[] {
  return jobs.filter((job) => {
    if (!(job.serviceId !== null && serviceIds.has(job.serviceId)) && !startedIds.has(job.id)) return false
    if (isActive(job)) return true
    return job.status === 'failed' && job.finishedAt !== null && now - Date.parse(job.finishedAt) < FAILED_VISIBLE_MS
  })
}
