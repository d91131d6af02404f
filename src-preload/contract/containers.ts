import { z } from 'zod'
import { ContainerRef, EntityId } from './grammar'

export const ContainerSummary = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  imageId: z.string(),
  command: z.string(),
  state: z.string(),
  status: z.string(),
  ports: z.array(
    z.object({
      privatePort: z.number(),
      publicPort: z.number().nullable(),
      type: z.string(),
      ip: z.string().nullable(),
    }),
  ),
  createdAt: z.string(),
  labels: z.record(z.string(), z.string()),
  composeProject: z.string().nullable(),
})
export type ContainerSummary = z.infer<typeof ContainerSummary>

export const ContainerTarget = z.object({ hostId: EntityId, containerId: ContainerRef }).strict()
export type ContainerTarget = z.infer<typeof ContainerTarget>

export const StopContainerInput = ContainerTarget.extend({
  timeoutSeconds: z.number().int().min(0).max(3600).optional(),
}).strict()
export const RemoveContainerInput = ContainerTarget.extend({ force: z.boolean().optional() }).strict()

/** A signal name as `kill -l` spells it with the prefix (`SIGTERM`, `SIGRTMIN`), or a number the kernel knows. */
export const Signal = z.union([
  z
    .string()
    .max(16)
    .regex(/^SIG[A-Z0-9]+$/, 'Must be a signal name (SIGTERM) or a number 1-64'),
  z.number().int().min(1).max(64),
])
export const KillContainerInput = ContainerTarget.extend({ signal: Signal.optional() }).strict()

/** Docker's `since`: RFC 3339, or UNIX seconds with optional fraction. */
export const Since = z
  .string()
  .regex(
    /^(\d{1,10}(\.\d{1,9})?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d))$/,
    'Must be RFC 3339 or UNIX seconds',
  )

export const LogsInput = ContainerTarget.extend({
  tail: z.number().int().min(0).max(1_000_000).optional(),
  since: Since.optional(),
  timestamps: z.boolean().optional(),
}).strict()
export type LogsInput = z.input<typeof LogsInput>

export const LogLine = z.object({
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
  timestamp: z.string().optional(),
})
export type LogLine = z.infer<typeof LogLine>

export const LogsResult = z.object({ tty: z.boolean(), lines: z.array(LogLine) })

export const StatsSample = z.object({
  read: z.string(),
  cpuPercent: z.number(),
  memoryUsage: z.number(),
  memoryLimit: z.number(),
  memoryPercent: z.number(),
  networkRx: z.number(),
  networkTx: z.number(),
  blockRead: z.number(),
  blockWrite: z.number(),
  pids: z.number(),
})
export type StatsSample = z.infer<typeof StatsSample>

export const ContainersChanged = z.object({
  hostId: z.string(),
  upserted: z.array(ContainerSummary),
  removed: z.array(z.string()),
  /** The whole list, after a reconnect: replace rather than merge. */
  reset: z.boolean().optional(),
})
export type ContainersChanged = z.infer<typeof ContainersChanged>

// Streams -------------------------------------------------------------------------------------------

export const LogStreamParams = ContainerTarget.extend({
  tail: z.number().int().min(0).max(100_000).default(500),
  since: Since.optional(),
  timestamps: z.boolean().default(false),
}).strict()

/** Lines are sent in batches (about every 33 ms) so a fast container cannot flood the transport. */
export const LogBatch = z.object({
  lines: z.array(LogLine),
  /** Set on the batch after a reconnect, so the view can mark the gap it did not have to show. */
  resumed: z.boolean().optional(),
})
export type LogBatch = z.infer<typeof LogBatch>

export const StatsStreamParams = ContainerTarget

export const ExecParams = ContainerTarget.extend({
  command: z.array(z.string().max(4096)).min(1).max(64).default(['sh']),
  cols: z.number().int().min(1).max(1000).default(80),
  rows: z.number().int().min(1).max(1000).default(24),
  /** `docker exec --user`: a name or uid, optionally with `:group` or `:gid`. */
  user: z
    .string()
    .regex(
      /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/,
      'Must be user, uid, user:group or uid:gid',
    )
    .optional(),
}).strict()

export const ExecOutput = z.object({ data: z.string() })

export const ExecInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('data'), data: z.string().max(64 * 1024) }),
  z.object({
    type: z.literal('resize'),
    cols: z.number().int().min(1).max(1000),
    rows: z.number().int().min(1).max(1000),
  }),
])
export type ExecInput = z.infer<typeof ExecInput>

export const HostMetricsParams = z.object({ hostId: EntityId }).strict()
export const HostMetrics = z.object({
  running: z.number(),
  total: z.number(),
  /** Null until there are two readings to compare (the first tick after a container starts or the stream opens). */
  cpuPercent: z.number().nullable(),
  memoryUsage: z.number(),
})
export type HostMetrics = z.infer<typeof HostMetrics>
