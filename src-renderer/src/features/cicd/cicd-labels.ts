import type {
  BuildStatus,
  BuildTrigger,
  DeploymentStatus,
  DeploymentTrigger,
  HealthEvidence,
} from '../../../../src-preload/contract/cicd'
import type { Tone } from '../../components/StatusChip'

/** Builds and deployments share their statuses; each gets a tone and a word people read. */
export const STATUS_TONE: Record<BuildStatus | DeploymentStatus, Tone> = {
  queued: 'neutral',
  running: 'warn',
  succeeded: 'ok',
  failed: 'bad',
  canceled: 'neutral',
}

export const BUILD_TRIGGER_TEXT: Record<BuildTrigger, string> = {
  manual: 'by hand',
  webhook: 'GitHub push',
  poll: 'new commit (poll)',
  rebuild: 'rebuild for a rollback',
}

export const DEPLOYMENT_TRIGGER_TEXT: Record<DeploymentTrigger, string> = {
  manual: 'by hand',
  build: 'after a build',
  rollback: 'rollback',
  webhook: 'GitHub push',
  poll: 'new commit (poll)',
}

export const VERDICT_TEXT: Record<HealthEvidence['verdict'], string> = {
  healthy: 'healthy (its health check passed)',
  running: 'running (no health check: it stayed up)',
  unhealthy: 'unhealthy (its health check failed)',
  exited: 'exited',
  timeout: 'not healthy in time',
}

/** The verdict in a table cell: short; the details say it in full. */
export const VERDICT_SHORT: Record<HealthEvidence['verdict'], string> = {
  healthy: 'healthy',
  running: 'up (no check)',
  unhealthy: 'unhealthy',
  exited: 'exited',
  timeout: 'timed out',
}

export const isActive = (status: BuildStatus | DeploymentStatus): boolean => status === 'queued' || status === 'running'

/** `1.2 s`, `3 min 4 s`; an em dash for what has not run (or is running: the row shows its status). */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—'
  const seconds = Math.max(0, ms / 1000)
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}

/** The 7-character commit id git prints. */
export const shortCommit = (commit: string | null): string | null => (commit ? commit.slice(0, 7) : null)

/** A ref as the user reads it: a commit id asked for by id (a rebuild) is shortened like git does. */
export const refText = (ref: string): string => (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(ref) ? ref.slice(0, 12) : ref)

/** `glinrdock/shop-web:ab12cd3` stays as it is; an image id loses `sha256:` and most of its hex. */
export const shortImage = (image: string): string => (image.startsWith('sha256:') ? image.slice(7, 19) : image)
