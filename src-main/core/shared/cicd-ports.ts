import type {
  BuildTrigger,
  DeploymentTrigger,
  NotificationAction,
  NotificationKind,
} from '../../../src-preload/contract/cicd'

/**
 * The few calls the CI/CD domains make on each other (builds → deploys after a build, webhooks and the poller →
 * builds, everyone → notifications), as interfaces: each domain is built and tested on its own, and the
 * composition root (`bootstrap.ts`) connects them.
 */

export interface BuildRequest {
  serviceId: string
  /** A branch, tag or commit id; defaults to the service's git ref. */
  ref?: string
  /** The exact commit to build (a push's `after`); the ref is then only recorded. */
  commit?: string
  trigger: BuildTrigger
  /** Deploy the image when the build succeeds. */
  deploy: boolean
}

export interface BuildStarter {
  startBuild(request: BuildRequest): { buildId: string; jobId: string }
}

/** A build that succeeded, handed to the deploys domain when it should be deployed. */
export interface BuiltImage {
  buildId: string
  serviceId: string
  imageTag: string
  imageId: string
  commit: string
}

export interface BuiltImageDeployer {
  deployBuilt(image: BuiltImage, trigger: DeploymentTrigger): { deploymentId: string; jobId: string }
}

/** The sealed git ssh key from Settings, unsealed only when a git command needs it; `null` when none is set. */
export interface GitCredentialSource {
  sshPrivateKey(): Promise<string | null>
}

export interface NotifyInput {
  kind: NotificationKind
  title: string
  body: string
  serviceId?: string | null
  projectId?: string | null
  buildId?: string | null
  deploymentId?: string | null
  actions?: NotificationAction[]
}

/** Records a result for the operator; the notifications domain decides (by preference) where it shows. */
export type Notify = (input: NotifyInput) => void
