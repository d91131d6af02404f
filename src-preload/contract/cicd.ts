import { z } from 'zod'
import { ERROR_CODES } from './errors'
import { EntityId, ImageRef } from './grammar'
import { ServiceSpec } from './projects'

/**
 * Builds, deployments and rollback. A build turns a service's git source at one exact commit into an image on the
 * service's engine; a deployment runs one exact image (by id) with one exact spec snapshot, health-gated; a rollback
 * is a new deployment of an earlier successful one's image id and snapshot. Notifications tell the operator how
 * each ended, and webhooks or polling start builds without them.
 */

/**
 * A branch, tag or full ref as `git check-ref-format --allow-onelevel` accepts it, or a commit id. Never starts
 * with `-` (git would read an option), and no character a shell or git's own syntax would widen (`:`, `~`, `^`,
 * `?`, `*`, `[`, `\`, spaces, `@{`).
 */
export const GitRef = z
  .string()
  .min(1)
  .max(255)
  .refine((ref) => isValidGitRef(ref), 'Not a branch, tag or commit (as git check-ref-format accepts it)')

/** A full commit id: 40 hex (SHA-1) or 64 hex (SHA-256 repositories). */
export const CommitSha = z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'Not a full commit id')

export function isValidGitRef(ref: string): boolean {
  if (ref.length === 0 || ref.length > 255) return false
  if (ref.startsWith('-') || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.')) return false
  if (ref === '@' || ref.includes('..') || ref.includes('//') || ref.includes('@{')) return false
  // Control characters, space and what git forbids: ~ ^ : ? * [ \ (and DEL).
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return false
  // No component starts with `.` or ends with `.lock`.
  return ref.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'))
}

export const BUILD_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const
export const BuildStatus = z.enum(BUILD_STATUSES)
export type BuildStatus = z.infer<typeof BuildStatus>

/** What started a build: a person, a GitHub push, the branch poller, or a rollback that had to rebuild a commit. */
export const BUILD_TRIGGERS = ['manual', 'webhook', 'poll', 'rebuild'] as const
export const BuildTrigger = z.enum(BUILD_TRIGGERS)
export type BuildTrigger = z.infer<typeof BuildTrigger>

const Failure = z.object({ code: z.enum(ERROR_CODES), message: z.string() })

export const BuildSummary = z.object({
  id: z.string(),
  serviceId: z.string(),
  projectId: z.string(),
  hostId: z.string(),
  jobId: z.string().nullable(),
  status: BuildStatus,
  trigger: BuildTrigger,
  /** The ref asked for (`main`, `v1.2`, a commit id). */
  ref: z.string(),
  /** The exact commit built, once the clone resolved it. */
  commit: z.string().nullable(),
  commitMessage: z.string().nullable(),
  /** `glinrdock/<project>-<service>:<short-sha>`. */
  imageTag: z.string().nullable(),
  imageId: z.string().nullable(),
  durationMs: z.number().nullable(),
  /** Whether a deployment follows when the build succeeds ("Build & deploy", or autoDeploy on a push). */
  deployAfter: z.boolean(),
  error: Failure.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
})
export type BuildSummary = z.infer<typeof BuildSummary>

export const StartBuildInput = z
  .object({
    serviceId: EntityId,
    /** Defaults to the service's git ref. */
    ref: GitRef.optional(),
    /** Deploy the image when the build succeeds. */
    deploy: z.boolean().default(false),
    /** Building a commit again because a rollback found its image gone: recorded as trigger `rebuild`. */
    rebuild: z.boolean().default(false),
  })
  .strict()
export type StartBuildInput = z.input<typeof StartBuildInput>
export const BuildStarted = z.object({ buildId: z.string(), jobId: z.string() })
export type BuildStarted = z.infer<typeof BuildStarted>

export const ServiceBuildsInput = z
  .object({ serviceId: EntityId, limit: z.number().int().min(1).max(500).default(50) })
  .strict()
export const BuildIdInput = z.object({ id: EntityId }).strict()
/** The whole log as text (from its file); `truncated` when it outgrew the cap and its start was dropped. */
export const BuildLog = z.object({ text: z.string(), truncated: z.boolean() })
export type BuildLog = z.infer<typeof BuildLog>

export const DEPLOYMENT_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const
export const DeploymentStatus = z.enum(DEPLOYMENT_STATUSES)
export type DeploymentStatus = z.infer<typeof DeploymentStatus>

/** `build`: the deployment a build started ("Build & deploy", autoDeploy). */
export const DEPLOYMENT_TRIGGERS = ['manual', 'build', 'rollback', 'webhook', 'poll'] as const
export const DeploymentTrigger = z.enum(DEPLOYMENT_TRIGGERS)
export type DeploymentTrigger = z.infer<typeof DeploymentTrigger>

/**
 * `start-first`: the new container starts beside the old one, which goes once the new one is healthy (no fixed
 * host port). `stop-first`: a fixed host port can be held by one container only, so the old one stops first and
 * is started again if the new one does not become healthy.
 */
export const DeploymentStrategy = z.enum(['start-first', 'stop-first'])
export type DeploymentStrategy = z.infer<typeof DeploymentStrategy>

/** Why a deployment was judged as it was: kept with the record, so the failing container's evidence survives it. */
export const HealthEvidence = z.object({
  verdict: z.enum(['healthy', 'running', 'unhealthy', 'exited', 'timeout']),
  /** The health check's last outputs (the engine keeps five), newest last. */
  probeOutput: z.array(z.object({ exitCode: z.number(), output: z.string(), at: z.string() })),
  /** The new container's last log lines (at most 200). */
  logTail: z.array(z.string()),
  exitCode: z.number().nullable(),
})
export type HealthEvidence = z.infer<typeof HealthEvidence>

export const DeploymentSummary = z.object({
  id: z.string(),
  serviceId: z.string(),
  projectId: z.string(),
  hostId: z.string(),
  jobId: z.string().nullable(),
  status: DeploymentStatus,
  trigger: DeploymentTrigger,
  strategy: DeploymentStrategy.nullable(),
  /** The reference it was asked for (a tag), and the exact image id it ran. */
  imageTag: z.string(),
  imageId: z.string().nullable(),
  buildId: z.string().nullable(),
  commit: z.string().nullable(),
  /** The deployment a rollback brought back. */
  rollbackOf: z.string().nullable(),
  containerId: z.string().nullable(),
  durationMs: z.number().nullable(),
  error: Failure.nullable(),
  health: HealthEvidence.nullable(),
  /** The one the service runs now. */
  current: z.boolean(),
  /** Its image is one of the last N successful deployments' images, which no prune in glinrdock removes. */
  imageProtected: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
})
export type DeploymentSummary = z.infer<typeof DeploymentSummary>

/** A deployment with the spec snapshot it ran (secret values masked, as everywhere). */
export const DeploymentDetail = DeploymentSummary.extend({ spec: ServiceSpec })
export type DeploymentDetail = z.infer<typeof DeploymentDetail>

export const DeployInput = z.object({ serviceId: EntityId, imageTag: ImageRef }).strict()
export type DeployInput = z.input<typeof DeployInput>
export const RollbackInput = z
  .object({
    serviceId: EntityId,
    /** Defaults to the successful deployment before the current one. */
    deploymentId: EntityId.optional(),
  })
  .strict()
export type RollbackInput = z.input<typeof RollbackInput>
export const DeploymentStarted = z.object({ deploymentId: z.string(), jobId: z.string() })
export type DeploymentStarted = z.infer<typeof DeploymentStarted>
export const ServiceDeploymentsInput = z
  .object({ serviceId: EntityId, limit: z.number().int().min(1).max(500).default(50) })
  .strict()
export const DeploymentIdInput = z.object({ id: EntityId }).strict()

/** What a rollback would change, for the confirmation: nothing is started by asking. */
export const RollbackPreview = z.object({
  target: DeploymentSummary,
  current: DeploymentSummary.nullable(),
  image: z.object({ from: z.string().nullable(), to: z.string() }),
  commit: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  /** Env keys only: values (secret or not) are not compared in the renderer. */
  env: z.array(z.object({ key: z.string(), change: z.enum(['added', 'removed', 'changed']) })),
  ports: z.object({ from: z.array(z.string()), to: z.array(z.string()) }),
  /** Set when the image is no longer on the engine: the rollback would be refused with `image_gone`. */
  imageGone: z.boolean(),
})
export type RollbackPreview = z.infer<typeof RollbackPreview>

// Notifications ---------------------------------------------------------------------------------------

export const NOTIFICATION_KINDS = [
  'build.succeeded',
  'build.failed',
  'deploy.succeeded',
  'deploy.failed',
  'rollback.succeeded',
  'rollback.failed',
  'health.unhealthy',
  'cert.issued',
  'cert.failed',
  /** Renewal keeps failing and the certificate expires in seven days or less. */
  'cert.expiring',
] as const
export const NotificationKind = z.enum(NOTIFICATION_KINDS)
export type NotificationKind = z.infer<typeof NotificationKind>

export const NotificationAction = z.enum(['open_log', 'open_deployment', 'rollback'])
export type NotificationAction = z.infer<typeof NotificationAction>

export const NotificationItem = z.object({
  id: z.string(),
  kind: NotificationKind,
  level: z.enum(['success', 'error', 'warning']),
  title: z.string(),
  body: z.string(),
  serviceId: z.string().nullable(),
  projectId: z.string().nullable(),
  buildId: z.string().nullable(),
  deploymentId: z.string().nullable(),
  actions: z.array(NotificationAction),
  read: z.boolean(),
  createdAt: z.string(),
})
export type NotificationItem = z.infer<typeof NotificationItem>

export const NotificationsList = z.object({ items: z.array(NotificationItem), unread: z.number() })
export type NotificationsList = z.infer<typeof NotificationsList>
export const NotificationsListInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict()
export const MarkNotificationsReadInput = z
  .object({ ids: z.array(EntityId).max(500).optional(), all: z.boolean().optional() })
  .strict()

/** Per kind: shown at all (the list, toasts), and as a desktop or browser notification. */
export const NotificationPreference = z.object({ enabled: z.boolean(), desktop: z.boolean() }).strict()
export const NotificationPreferences = z.record(NotificationKind, NotificationPreference)
export type NotificationPreferences = z.infer<typeof NotificationPreferences>

// Settings -------------------------------------------------------------------------------------------

/** Settings as shown: secrets only say whether they are set. */
export const SettingsSummary = z.object({
  githubWebhookSecretSet: z.boolean(),
  /** Where GitHub must send pushes (path on this server). */
  githubWebhookPath: z.string(),
  gitSshKeySet: z.boolean(),
  notifications: NotificationPreferences,
  /** Successful deployments per service whose images no prune removes. */
  protectedDeployments: z.number(),
  /** The ACME directory certificates are ordered from (Let's Encrypt production unless set). */
  acmeDirectoryUrl: z.string(),
  /** The contact on the ACME account; `null` registers without one. */
  acmeEmail: z.string().nullable(),
})
export type SettingsSummary = z.infer<typeof SettingsSummary>

const WebhookSecret = z.string().min(8, 'At least 8 characters').max(256)
/** An OpenSSH or PEM private key for git over ssh when no agent has one; sealed at rest. */
const GitSshKey = z
  .string()
  .max(16_384)
  .regex(/^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\s*$/, 'Not a private key')

export const LETSENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory'
export const LETSENCRYPT_STAGING_DIRECTORY = 'https://acme-staging-v02.api.letsencrypt.org/directory'
/** An ACME directory over HTTPS (the account key signs every request, but the CA's answers must be authentic). */
const AcmeDirectoryUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value)
      return url.protocol === 'https:' && url.username === '' && url.password === ''
    } catch {
      return false
    }
  }, 'An https:// URL of an ACME directory')

export const UpdateSettingsInput = z
  .object({
    /** `null` removes it (webhooks are then refused). */
    githubWebhookSecret: WebhookSecret.nullable().optional(),
    gitSshKey: GitSshKey.nullable().optional(),
    /** Only the kinds named change; the others keep what they had. */
    notifications: z.partialRecord(NotificationKind, NotificationPreference).optional(),
    protectedDeployments: z.number().int().min(1).max(100).optional(),
    /** `null` goes back to Let's Encrypt production. */
    acmeDirectoryUrl: AcmeDirectoryUrl.nullable().optional(),
    acmeEmail: z.email('Not an email address').max(254).nullable().optional(),
  })
  .strict()
export type UpdateSettingsInput = z.input<typeof UpdateSettingsInput>

// Events and streams ----------------------------------------------------------------------------------

/** A build or deployment of a service changed (created, progressed, finished): views refetch what they show. */
export const CicdChanged = z.object({
  serviceId: z.string(),
  buildId: z.string().optional(),
  deploymentId: z.string().optional(),
})
export type CicdChanged = z.infer<typeof CicdChanged>

export const BuildLogParams = z.object({ buildId: EntityId }).strict()
/** A build log stream: the file so far, then live lines; batched like container logs. */
export const BuildLogBatch = z.object({ lines: z.array(z.string()) })
export type BuildLogBatch = z.infer<typeof BuildLogBatch>
