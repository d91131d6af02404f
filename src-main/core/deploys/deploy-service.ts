import type Dockerode from 'dockerode'
import type {
  DeploymentDetail,
  DeploymentStarted,
  DeploymentSummary,
  DeploymentTrigger,
  RollbackPreview,
} from '../../../src-preload/contract/cicd'
import { LABELS } from '../../../src-preload/contract/projects'
import { mapDockerError } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { SecretBox } from '../../infra/secrets/secret-box'
import type { EventBus } from '../events/event-bus'
import type { JobContext, JobRunner } from '../jobs'
import { planContainer } from '../projects/container-config'
import type { ProjectRecord, ProjectStore, ServiceRecord, ServiceRelease, StoredSpec } from '../projects/project-store'
import type { ProjectService } from '../projects/project-service'
import type { ServiceReconciler } from '../projects/reconciler'
import { maskedEnv, resolvedSpec, type ServiceEnv } from '../projects/service-env'
import { releasedSpec } from '../projects/service-release'
import type { ServiceStatusTracker } from '../projects/status-tracker'
import { AppError, isAppError } from '../shared/app-error'
import type { BuiltImage, BuiltImageDeployer, Notify } from '../shared/cicd-ports'
import { newId } from '../shared/ids'
import type { ProxyControl } from '../shared/proxy-ports'
import { DeployFailure, strategyFor, swapContainer } from './container-swap'
import { envChanges, openSnapshotEnv, portsOf, sealSnapshotEnv } from './deployment-snapshot'
import type { DeploymentRecord, DeploymentStore } from './deployment-store'
import { rollbackTarget } from './rollback-target'
import { DEFAULT_DRAIN_SECONDS, proxyTrafficSwitch } from './traffic-switch'

export const SERVICE_RELEASE_JOB = 'service.release'
/** The same handler; its own kind so the jobs list can say "Roll back". */
export const SERVICE_ROLLBACK_JOB = 'service.rollback'
/** The lock key of `service.deploy` (service-lifecycle.ts): a release never races a reconcile of its project. */
const lockKey = (projectId: string): string => `project:${projectId}`

export const DEFAULT_STABLE_SECONDS = 5
export const DEFAULT_PROTECTED_DEPLOYMENTS = 5

export interface DeployServiceDeps {
  store: DeploymentStore
  projects: ProjectService
  projectStore: ProjectStore
  reconciler: ServiceReconciler
  env: ServiceEnv
  box: SecretBox
  tracker: ServiceStatusTracker
  jobs: JobRunner
  events: EventBus
  log: Logger
}

export interface DeployServiceOptions {
  /** Without a health check, how long a new container must keep running to pass (default 5 s). */
  stableMs?: number
  /** Behind the proxy, how long the replaced container keeps its open connections before it stops (default 10 s). */
  drainMs?: number
  /** Successful deployments per service whose images no prune removes (Settings will set it; default 5). */
  protectedDeployments?: () => number
  now?: () => Date
}

interface ReleasePayload {
  deploymentId: string
}

/**
 * Deployments of one exact image (by id) with one exact spec snapshot, as jobs; one-click rollback to an earlier
 * successful deployment's image and snapshot; and the images those deployments keep from every prune.
 */
export class DeployService implements BuiltImageDeployer {
  private notify: Notify = () => undefined
  private proxy: ProxyControl | null = null
  private readonly stableMs: number
  private readonly drainMs: number
  private readonly keep: () => number
  private readonly now: () => Date

  constructor(
    private readonly deps: DeployServiceDeps,
    options: DeployServiceOptions = {},
  ) {
    this.stableMs = options.stableMs ?? DEFAULT_STABLE_SECONDS * 1000
    this.drainMs = options.drainMs ?? DEFAULT_DRAIN_SECONDS * 1000
    this.keep = options.protectedDeployments ?? (() => DEFAULT_PROTECTED_DEPLOYMENTS)
    this.now = options.now ?? (() => new Date())
  }

  /** The notifications domain, connected by the composition root once it exists. */
  connectNotify(notify: Notify): void {
    this.notify = notify
  }

  /** The proxy domain: a routed service's deployments switch its traffic there (zero-downtime). */
  connectProxy(proxy: ProxyControl): void {
    this.proxy = proxy
  }

  registerJobs(): void {
    this.deps.jobs.register<ReleasePayload>(SERVICE_RELEASE_JOB, (_job, ctx) => this.run(ctx))
    this.deps.jobs.register<ReleasePayload>(SERVICE_ROLLBACK_JOB, (_job, ctx) => this.run(ctx))
  }

  /** `POST /v1/cicd/services/:id/deploy {imageTag}`: the tag is resolved to an image id by the job. */
  deploy(serviceId: string, imageTag: string): DeploymentStarted {
    return this.enqueue(this.deps.projects.service(serviceId), {
      trigger: 'manual',
      imageTag,
      imageId: null,
      buildId: null,
      commit: null,
      rollbackOf: null,
    })
  }

  /**
   * The service's current spec and env on the image it runs now (its release, else its spec's image), as a
   * deployment: how Start re-applies an edited spec to a service the proxy routes to, start-first behind it.
   */
  redeploy(serviceId: string): DeploymentStarted {
    const service = this.deps.projects.service(serviceId)
    const release = service.release
    if (!release && !service.spec.image) throw new AppError('no_image', `${service.name} has no image yet`)
    return this.enqueue(service, {
      trigger: 'manual',
      imageTag: release?.imageTag ?? service.spec.image!,
      imageId: release?.imageId ?? null,
      buildId: null,
      commit: release?.commit ?? null,
      rollbackOf: null,
    })
  }

  deployBuilt(image: BuiltImage, trigger: DeploymentTrigger): DeploymentStarted {
    return this.enqueue(this.deps.projects.service(image.serviceId), {
      trigger,
      imageTag: image.imageTag,
      imageId: image.imageId,
      buildId: image.buildId,
      commit: image.commit,
      rollbackOf: null,
    })
  }

  /**
   * Redeploys an earlier successful deployment's exact image id and snapshot (spec and env). Refused now, before
   * any job, when the engine no longer has that image: the message names the commit to rebuild.
   */
  async rollback(serviceId: string, deploymentId?: string): Promise<DeploymentStarted> {
    const service = this.deps.projects.service(serviceId)
    const target = this.rollbackTarget(service, deploymentId)
    const project = this.deps.projects.projectOf(service)
    if (!(await this.imagePresent(project.hostId, target.imageId!))) throw imageGone(target)
    return this.enqueue(service, {
      trigger: 'rollback',
      imageTag: target.imageTag,
      imageId: target.imageId,
      buildId: target.buildId,
      commit: target.commit,
      rollbackOf: target.id,
    })
  }

  async rollbackPreview(serviceId: string, deploymentId?: string): Promise<RollbackPreview> {
    const service = this.deps.projects.service(serviceId)
    const project = this.deps.projects.projectOf(service)
    const target = this.rollbackTarget(service, deploymentId)
    const currentRecord = service.release ? this.deps.store.get(service.release.deploymentId) : undefined
    const protectedIds = this.protectedFor(project.hostId, service.id)
    const [fromEnv, toEnv, present] = await Promise.all([
      this.deps.env.open(service),
      openSnapshotEnv(this.deps.box, target.id, target.sealedEnv),
      this.imagePresent(project.hostId, target.imageId!),
    ])
    await this.deps.tracker.ready(project.hostId)
    const running = this.deps.tracker.get(service.id)?.container?.imageId ?? null
    return {
      target: this.summary(target, service, protectedIds),
      current: currentRecord ? this.summary(currentRecord, service, protectedIds) : null,
      image: { from: service.release?.imageId ?? running ?? service.spec.image, to: target.imageId! },
      commit: { from: service.release?.commit ?? null, to: target.commit },
      env: envChanges(fromEnv, toEnv),
      ports: { from: portsOf(service.spec), to: portsOf(target.spec!) },
      imageGone: !present,
    }
  }

  list(serviceId: string, limit: number): DeploymentSummary[] {
    const service = this.deps.projects.service(serviceId)
    this.settleOrphans()
    const protectedIds = this.protectedFor(this.deps.projects.projectOf(service).hostId, service.id)
    return this.deps.store.ofService(service.id, limit).map((d) => this.summary(d, service, protectedIds))
  }

  async get(id: string): Promise<DeploymentDetail> {
    this.settleOrphans()
    const record = this.record(id)
    const service = this.deps.projects.service(record.serviceId)
    const protectedIds = this.protectedFor(record.hostId, service.id)
    // Before the job took its snapshot: what it will take (the rollback target's, else the service's own).
    const source = record.spec ? record : record.rollbackOf ? this.deps.store.get(record.rollbackOf) : undefined
    let spec: DeploymentDetail['spec']
    if (source?.spec) {
      const values = await openSnapshotEnv(this.deps.box, source.id, source.sealedEnv)
      spec = { ...source.spec, env: maskedEnv(source.spec, values) }
    } else {
      spec = { ...service.spec, env: await this.deps.env.masked(service) }
    }
    return { ...this.summary(record, service, protectedIds), spec }
  }

  /** Per image id, the `<project>/<service>` whose recent successful deployment keeps it (for the images domain). */
  protectedImages(hostId: string): Map<string, string> {
    const byImage = new Map<string, string>()
    for (const image of this.deps.store.protectedImages(hostId, this.keep()))
      if (!byImage.has(image.imageId)) byImage.set(image.imageId, image.label)
    return byImage
  }

  private rollbackTarget(service: ServiceRecord, deploymentId: string | undefined): DeploymentRecord {
    return rollbackTarget(
      { id: service.id, name: service.name, currentDeploymentId: service.release?.deploymentId ?? null },
      this.deps.store.succeeded(service.id),
      deploymentId === undefined ? undefined : this.deps.store.get(deploymentId),
      deploymentId,
    )
  }

  private enqueue(
    service: ServiceRecord,
    fields: Pick<DeploymentRecord, 'trigger' | 'imageTag' | 'imageId' | 'buildId' | 'commit' | 'rollbackOf'>,
  ): DeploymentStarted {
    const project = this.deps.projects.projectOf(service)
    const id = newId()
    this.deps.store.insert({
      id,
      serviceId: service.id,
      projectId: project.id,
      hostId: project.hostId,
      createdAt: this.now().toISOString(),
      ...fields,
    })
    let jobId: string
    try {
      jobId = this.deps.jobs.enqueue({
        kind: fields.trigger === 'rollback' ? SERVICE_ROLLBACK_JOB : SERVICE_RELEASE_JOB,
        hostId: project.hostId,
        serviceId: service.id,
        lockKey: lockKey(project.id),
        payload: { deploymentId: id } satisfies ReleasePayload,
      }).id
    } catch (err) {
      this.deps.store.delete(id)
      throw err
    }
    this.deps.store.setJob(id, jobId)
    this.changed(service.id, id)
    return { deploymentId: id, jobId }
  }

  /** The job: snapshot, image, network and volumes, then the health-gated swap, then the release on the service. */
  private async run(ctx: JobContext<ReleasePayload>): Promise<void> {
    const record = this.record(ctx.payload.deploymentId)
    const service = this.deps.projects.service(record.serviceId)
    const project = this.deps.projects.projectOf(service)
    const began = Date.now()
    this.deps.store.started(record.id, this.now().toISOString())
    this.changed(service.id, record.id)
    const rollback = record.rollbackOf ? this.record(record.rollbackOf) : null
    ctx.log(
      rollback
        ? `Rolling ${project.name}/${service.name} back to deployment ${rollback.id} (${record.imageTag})`
        : `Deploying ${record.imageTag} to ${project.name}/${service.name}`,
    )
    let containerId: string | null = null
    try {
      const docker = await this.deps.reconciler.docker(project.hostId)
      // The snapshot: a rollback's is its target's (spec and env, as a Heroku rollback restores config).
      const stored: StoredSpec = rollback ? rollback.spec! : service.spec
      // Independent reads at once: each is a round trip over the host's tunnel, and they all precede the swap.
      const [values, imageId] = await Promise.all([
        rollback ? openSnapshotEnv(this.deps.box, rollback.id, rollback.sealedEnv) : this.deps.env.open(service),
        this.resolveImage(project, docker, record, ctx),
        this.deps.reconciler.ensureNetwork(docker, project),
      ])
      ctx.log(`Image ${record.imageTag} is ${imageId}`)
      const release: ServiceRelease = {
        deploymentId: record.id,
        imageId,
        imageTag: record.imageTag,
        commit: record.commit,
      }
      const spec = releasedSpec(resolvedSpec(stored, values), release)
      const plan = planContainer(project, service.id, spec)
      // Outside the hash (it names the spec, not the deployment): tells the status a swap from a replacement.
      plan.body.Labels = { ...(plan.body.Labels as Record<string, string>), [LABELS.deployment]: record.id }
      const strategy = strategyFor(plan)
      // Everything that may fail happens before the swap: once the new container serves, only rows are written.
      const [sealedEnv, restoredEnv, existing] = await Promise.all([
        sealSnapshotEnv(this.deps.box, record.id, values),
        rollback ? this.deps.env.seal(service.id, values) : undefined,
        this.deps.reconciler.containersOf(docker, service),
        this.deps.reconciler.ensureVolumes(docker, project, spec),
      ])
      this.deps.store.prepared(record.id, { imageId, spec: stored, sealedEnv, strategy })
      this.changed(service.id, record.id)
      ctx.log(`Strategy ${strategy}: ${strategy === 'stop-first' ? 'a fixed host port' : 'no fixed host port'}`)
      const traffic = proxyTrafficSwitch(this.proxy, service.id, this.drainMs)
      if (traffic && strategy === 'stop-first')
        ctx.log(
          'Routed requests fail while the old container stops and the new one starts: the fixed host port admits ' +
            'one container at a time. Remove the host port (the proxy reaches the service on its network) to deploy ' +
            'without downtime.',
        )
      const result = await swapContainer({
        docker,
        plan,
        existing,
        tag: record.id.slice(0, 8).toLowerCase(),
        stableMs: this.stableMs,
        traffic,
        signal: ctx.signal,
        log: (line) => ctx.log(line),
        step: (percent, message) => ctx.progress(percent, message),
      })
      containerId = result.containerId
      this.deps.projectStore.applyRelease(service.id, {
        release,
        containerId,
        specHash: plan.specHash,
        ...(restoredEnv !== undefined ? { spec: stored, sealedEnv: restoredEnv } : {}),
        updatedAt: this.now().toISOString(),
      })
      this.deps.store.finish(record.id, {
        status: 'succeeded',
        containerId,
        health: result.health,
        durationMs: Date.now() - began,
        at: this.now().toISOString(),
      })
      ctx.log(`${service.name} now runs ${imageId.replace(/^sha256:/, '').slice(0, 12)} (${containerId.slice(0, 12)})`)
      this.outcome(record, service, project, true)
    } catch (err) {
      const canceled = ctx.signal.aborted || (err instanceof DeployFailure && err.canceled)
      const failure = isAppError(err) ? err : null
      this.deps.store.finish(record.id, {
        status: canceled ? 'canceled' : 'failed',
        containerId,
        health: err instanceof DeployFailure ? err.health : null,
        // A cancel is its status, not an error: the previous container serves again.
        error: canceled ? null : { code: failure?.code ?? 'internal', message: failure?.message ?? 'Internal error' },
        durationMs: Date.now() - began,
        at: this.now().toISOString(),
      })
      if (!canceled) this.outcome(record, service, project, false, failure?.message ?? 'Internal error')
      else this.changed(service.id, record.id)
      throw err
    } finally {
      const fresh = this.deps.projectStore.service(service.id)
      if (fresh) {
        await this.deps.tracker.refresh(fresh, project.hostId)
        void this.deps.projects.announce(service.id)
      }
    }
  }

  /** A tag is looked up (and pulled when missing); a known id must still be there. Answers the image id. */
  private async resolveImage(
    project: ProjectRecord,
    docker: Dockerode,
    record: DeploymentRecord,
    ctx: JobContext<ReleasePayload>,
  ): Promise<string> {
    if (record.imageId) {
      const id = await this.inspectImage(docker, record.imageId, ctx.signal)
      if (!id) throw imageGone(record)
      return id
    }
    const present = await this.inspectImage(docker, record.imageTag, ctx.signal)
    if (present) return present
    await this.deps.reconciler.ensureImage(project.hostId, docker, record.imageTag, ctx)
    const id = await this.inspectImage(docker, record.imageTag, ctx.signal)
    if (!id) throw new AppError('not_found', `The image ${record.imageTag} is not on the engine`)
    return id
  }

  private async inspectImage(docker: Dockerode, ref: string, signal?: AbortSignal): Promise<string | null> {
    try {
      const info = await docker.getImage(ref).inspect(signal ? ({ abortSignal: signal } as never) : undefined)
      return info.Id
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null
      throw mapDockerError(err, `image ${ref}`)
    }
  }

  private async imagePresent(hostId: string, imageId: string): Promise<boolean> {
    const docker = await this.deps.reconciler.docker(hostId)
    return (await this.inspectImage(docker, imageId)) !== null
  }

  private outcome(
    record: DeploymentRecord,
    service: ServiceRecord,
    project: ProjectRecord,
    ok: boolean,
    reason?: string,
  ): void {
    const rollback = record.trigger === 'rollback'
    const what = rollback ? 'Rollback' : 'Deployment'
    const image = record.commit ? `${record.imageTag} (${record.commit.slice(0, 7)})` : record.imageTag
    try {
      this.notify({
        kind: `${rollback ? 'rollback' : 'deploy'}.${ok ? 'succeeded' : 'failed'}`,
        title: `${what} of ${project.name}/${service.name} ${ok ? 'succeeded' : 'failed'}`,
        body: ok ? `${service.name} runs ${image}` : `${image}: ${reason ?? 'failed'}`,
        serviceId: service.id,
        projectId: project.id,
        buildId: record.buildId,
        deploymentId: record.id,
        actions: ok ? ['open_deployment', 'rollback'] : ['open_deployment'],
      })
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'notification failed')
    }
    this.changed(service.id, record.id)
  }

  private changed(serviceId: string, deploymentId: string): void {
    this.deps.events.emit('cicd.changed', { serviceId, deploymentId })
  }

  private settleOrphans(): void {
    this.deps.store.settleOrphans(this.now().toISOString())
  }

  /**
   * At start-up, once the runner has settled what a stopped glinrdock left running: the deployments cut short,
   * settled now, and the services they belonged to. A swap cut short can leave the old container stopped under
   * the name it was moved aside to, so the caller reconciles each of them back to its release.
   */
  settleInterrupted(): string[] {
    const ids = this.deps.store.settleOrphans(this.now().toISOString())
    const serviceIds = new Set<string>()
    for (const id of ids) {
      const record = this.deps.store.get(id)
      if (!record) continue
      serviceIds.add(record.serviceId)
      this.changed(record.serviceId, id)
    }
    return [...serviceIds]
  }

  private record(id: string): DeploymentRecord {
    const record = this.deps.store.get(id)
    if (!record) throw new AppError('not_found', `No deployment with id ${id}`)
    return record
  }

  private protectedFor(hostId: string, serviceId: string): Set<string> {
    return new Set(
      this.deps.store
        .protectedImages(hostId, this.keep())
        .filter((p) => p.serviceId === serviceId)
        .map((p) => p.imageId),
    )
  }

  private summary(record: DeploymentRecord, service: ServiceRecord, protectedIds: Set<string>): DeploymentSummary {
    return {
      id: record.id,
      serviceId: record.serviceId,
      projectId: record.projectId,
      hostId: record.hostId,
      jobId: record.jobId,
      status: record.status,
      trigger: record.trigger,
      strategy: record.strategy,
      imageTag: record.imageTag,
      imageId: record.imageId,
      buildId: record.buildId,
      commit: record.commit,
      rollbackOf: record.rollbackOf,
      containerId: record.containerId,
      durationMs: record.durationMs,
      error: record.error,
      health: record.health,
      current: service.release?.deploymentId === record.id,
      imageProtected: record.status === 'succeeded' && record.imageId !== null && protectedIds.has(record.imageId),
      createdAt: record.createdAt,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
    }
  }
}

function imageGone(target: DeploymentRecord): AppError {
  const what = target.commit ? `commit ${target.commit.slice(0, 12)}` : target.imageTag
  const short = (target.imageId ?? '').replace(/^sha256:/, '').slice(0, 12)
  return new AppError(
    'image_gone',
    `The image of deployment ${target.id} (${short}, ${what}) is no longer on the engine` +
      (target.commit ? `: rebuild ${what} to bring it back` : `: pull or rebuild ${target.imageTag} and deploy it`),
    'deploymentId',
  )
}
