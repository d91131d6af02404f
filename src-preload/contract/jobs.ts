import { z } from 'zod'
import { ERROR_CODES } from './errors'
import { EntityId } from './grammar'

/**
 * Jobs: every long operation (image pulls, deploys, builds, certificates) runs as one persisted job.
 * A job's payload and log lines never hold a secret; handlers get sealed references and unseal them.
 */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const
export const JobStatus = z.enum(JOB_STATUSES)
export type JobStatus = z.infer<typeof JobStatus>

export const FINISHED_JOB_STATUSES = ['succeeded', 'failed', 'canceled'] as const satisfies readonly JobStatus[]

/** Job kinds are names in code (`image.pull`, `service.deploy`): lower case, dot-separated words. */
export const JobKind = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/, 'Not a job kind')

export const JobError = z.object({ code: z.enum(ERROR_CODES), message: z.string() })
export type JobError = z.infer<typeof JobError>

export const JobSummary = z.object({
  id: z.string(),
  kind: z.string(),
  status: JobStatus,
  /** 0–100. */
  progress: z.number(),
  message: z.string().nullable(),
  error: JobError.nullable(),
  hostId: z.string().nullable(),
  serviceId: z.string().nullable(),
  attempts: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
})
export type JobSummary = z.infer<typeof JobSummary>

export const MAX_JOBS_LIST = 500

export const JobsListInput = z
  .object({
    kind: JobKind.optional(),
    status: JobStatus.optional(),
    serviceId: EntityId.optional(),
    hostId: EntityId.optional(),
    limit: z.number().int().min(1).max(MAX_JOBS_LIST).default(100),
  })
  .strict()
export type JobsListInput = z.input<typeof JobsListInput>

export const JobIdInput = z.object({ id: EntityId }).strict()

/** Sent on every status change at once, and on progress changes at most every 250 ms per job. */
export const JobsChanged = z.object({ job: JobSummary })
export type JobsChanged = z.infer<typeof JobsChanged>

// Streams -------------------------------------------------------------------------------------------

export const JobLogParams = z.object({ jobId: EntityId }).strict()

/** `seq` counts a job's lines from 1, so a view sees where lines were pruned or skipped. */
export const JobLogLine = z.object({ seq: z.number(), at: z.string(), text: z.string() })
export type JobLogLine = z.infer<typeof JobLogLine>

export const JobLogBatch = z.object({
  lines: z.array(JobLogLine),
  /** Lines dropped before this batch because the client fell behind (it still had 500 newer ones to read). */
  skipped: z.number().optional(),
})
export type JobLogBatch = z.infer<typeof JobLogBatch>
