import { describe, expect, it } from 'vitest'
import type { JobSummary } from '../../../../src-preload/contract/jobs'
import { projectJobs } from './project-jobs'

const NOW = Date.parse('2026-01-01T12:00:00Z')
const job = (id: string, status: JobSummary['status'], serviceId: string | null, finishedMinutesAgo?: number) =>
  ({
    id,
    status,
    serviceId,
    finishedAt: finishedMinutesAgo === undefined ? null : new Date(NOW - finishedMinutesAgo * 60_000).toISOString(),
  }) as JobSummary

describe('project jobs', () => {
  it('shows running jobs of its services and of what it started, and recent failures', () => {
    const jobs = [
      job('j1', 'running', 's1'),
      job('j2', 'queued', null),
      job('j3', 'running', 'other'),
      job('j4', 'failed', 's1', 2),
      job('j5', 'failed', 's1', 30),
      job('j6', 'succeeded', 's1', 1),
      job('j7', 'running', null),
    ]
    expect(projectJobs(jobs, new Set(['s1']), new Set(['j2']), NOW).map((j) => j.id)).toEqual(['j1', 'j2', 'j4'])
  })
})
