import type { LogLine } from '../../../src-preload/contract/containers'
import { LABELS, projectNetworkName, type ServiceStartResult } from '../../../src-preload/contract/projects'
import type { ContainerService, LogsQuery } from '../containers'
import type { JobRunner } from '../jobs'
import { AppError } from '../shared/app-error'
import { forEachLimited } from '../shared/limited'
import { startLevels, stopLevels } from './dependency-order'
import type { ProjectRecord, ServiceRecord } from './project-store'
import type { ProjectService } from './project-service'
import type { ServiceReconciler } from './reconciler'
import { effectiveImage } from './service-release'
import type { ServiceStatusTracker } from './status-tracker'

export const SERVICE_DEPLOY_JOB = 'service.deploy'
export const PROJECT_DEPLOY_JOB = 'project.deploy'

interface ServicePayload {
  serviceId: string
}
interface ProjectPayload {
  projectId: string
}

/**
 * One deploy at a time per project: services of a project share its network and start in dependency order, so
 * two deploys touching it at once would only race. A service's second deploy queues behind the first.
 */
/** Compose's own cap for parallel engine calls is 64; half of it keeps a slow tunnel responsive. */
const DEPLOY_CONCURRENCY = 32
const REMOVE_CONCURRENCY = 4

const lockKey = (projectId: string): string => `project:${projectId}`

/**
 * Starting, stopping and removing services on the engine. Anything that may pull, create or recreate runs as a
 * job on the runner (cancellable, with progress); starting a container that already matches its spec does not.
 */
export class ServiceLifecycle {
  private releaseNetwork: (hostId: string, network: string) => Promise<void> = async () => undefined
  private routedRedeploy: (service: ServiceRecord) => { jobId: string } | null = () => null

  constructor(
    private readonly projects: ProjectService,
    private readonly reconciler: ServiceReconciler,
    private readonly containers: ContainerService,
    private readonly tracker: ServiceStatusTracker,
    private readonly jobs: JobRunner,
  ) {}

  /** The host's proxy joins project networks: it leaves one first, or the engine refuses to remove it. */
  connectNetworkRelease(release: (hostId: string, network: string) => Promise<void>): void {
    this.releaseNetwork = release
  }

  /**
   * A service the proxy routes to is re-applied as a deployment (start-first, traffic switched once the new
   * container is healthy), not recreated in place: `redeploy` answers its job, or null when nothing routes to it.
   */
  connectRoutedRedeploy(redeploy: (service: ServiceRecord) => { jobId: string } | null): void {
    this.routedRedeploy = redeploy
  }

  registerJobs(): void {
    this.jobs.register<ServicePayload>(SERVICE_DEPLOY_JOB, async (_job, ctx) => {
      const service = this.projects.service(ctx.payload.serviceId)
      const project = this.projects.projectOf(service)
      ctx.log(`Deploying ${project.name}/${service.name}`)
      await this.reconciler.deploy(project, service, ctx)
    })
    this.jobs.register<ProjectPayload>(PROJECT_DEPLOY_JOB, async (_job, ctx) => {
      const project = this.projects.project(ctx.payload.projectId)
      const services = this.projects.records(project.id)
      const levels = inOrder(services, startLevels)
      let done = 0
      ctx.log(`Deploying ${services.length} services of ${project.name} in ${levels.length} steps`)
      const docker = await this.reconciler.docker(project.hostId)
      await this.reconciler.ensureNetwork(docker, project)
      const shared = { networkReady: true, images: new Map<string, Promise<void>>() }
      for (const level of levels) {
        // Independent services go at once: the engine link carries many requests in parallel.
        await forEachLimited(level, DEPLOY_CONCURRENCY, (service) =>
          this.reconciler.deploy(project, service, {
            signal: ctx.signal,
            log: (line) => ctx.log(`${service.name}: ${line}`),
            progress: () => undefined,
            shared,
          }),
        )
        done += level.length
        ctx.progress((done / Math.max(1, services.length)) * 100, `${done} of ${services.length} services`)
      }
    })
  }

  deployService(service: ServiceRecord): { jobId: string } {
    const project = this.projects.projectOf(service)
    if (!effectiveImage(service)) throw noImage(service)
    const job = this.jobs.enqueue({
      kind: SERVICE_DEPLOY_JOB,
      hostId: project.hostId,
      serviceId: service.id,
      lockKey: lockKey(project.id),
      payload: { serviceId: service.id } satisfies ServicePayload,
    })
    return { jobId: job.id }
  }

  /**
   * Brings a service whose deployment was cut short back to what it should run (its release, kept when the
   * deployment did not finish), as a deploy job; nothing for a service meant to be stopped, or one gone since.
   */
  recover(serviceId: string): void {
    let service: ServiceRecord
    try {
      service = this.projects.service(serviceId)
    } catch {
      return
    }
    if (service.desiredState !== 'running' || !effectiveImage(service)) return
    this.deployService(service)
  }

  deployProject(projectId: string): { jobId: string } {
    const project = this.projects.project(projectId)
    const services = this.projects.records(projectId)
    // Refused now rather than failing in the job: an order that cannot exist, or a service with nothing to run.
    inOrder(services, startLevels)
    const missing = services.find((s) => !effectiveImage(s))
    if (missing) throw noImage(missing)
    const job = this.jobs.enqueue({
      kind: PROJECT_DEPLOY_JOB,
      hostId: project.hostId,
      lockKey: lockKey(project.id),
      payload: { projectId } satisfies ProjectPayload,
    })
    return { jobId: job.id }
  }

  /** Starts the container when it already matches the spec; otherwise a deploy job makes it match. */
  async start(serviceId: string): Promise<ServiceStartResult> {
    const service = this.projects.service(serviceId)
    const project = this.projects.projectOf(service)
    if (!effectiveImage(service)) throw noImage(service)
    await this.tracker.ready(project.hostId)
    const container = this.tracker.get(service.id)?.container
    if (container && this.matches(service, container.labels, container.id)) {
      await this.containers.start(project.hostId, container.id)
      this.projects.markDesired(service, 'running')
      return { jobId: null }
    }
    // Only while it serves: with no running container there is no traffic to keep, and a reconcile is quicker.
    const redeployed = container?.status === 'running' ? this.routedRedeploy(service) : null
    return redeployed ? { jobId: redeployed.jobId } : this.deployService(service)
  }

  async stop(serviceId: string, timeoutSeconds?: number): Promise<void> {
    const service = this.projects.service(serviceId)
    const project = this.projects.projectOf(service)
    this.projects.markDesired(service, 'stopped')
    await this.stopContainers(project, service, timeoutSeconds)
  }

  async restart(serviceId: string, timeoutSeconds?: number): Promise<void> {
    const service = this.projects.service(serviceId)
    const project = this.projects.projectOf(service)
    const container = await this.currentContainer(project, service)
    await this.containers.restart(project.hostId, container, timeoutSeconds)
    this.projects.markDesired(service, 'running')
  }

  async logs(serviceId: string, query: LogsQuery): Promise<{ tty: boolean; lines: LogLine[] }> {
    const service = this.projects.service(serviceId)
    const project = this.projects.projectOf(service)
    return this.containers.logs(project.hostId, await this.currentContainer(project, service), query)
  }

  /** Stops a project's services, dependents first. */
  async stopProject(projectId: string): Promise<void> {
    const project = this.projects.project(projectId)
    for (const level of inOrder(this.projects.records(projectId), stopLevels)) {
      await Promise.all(
        level.map(async (service) => {
          this.projects.markDesired(service, 'stopped')
          await this.stopContainers(project, service)
        }),
      )
    }
  }

  async removeService(serviceId: string, volumes: boolean): Promise<void> {
    const service = this.projects.service(serviceId)
    const project = this.projects.projectOf(service)
    await this.reconciler.removeService(project, service, volumes)
    this.projects.forgetService(service)
  }

  /** A project with services goes only with `force`: its containers, then its network, then the rows. */
  async removeProject(projectId: string, force: boolean, volumes: boolean): Promise<void> {
    const project = this.projects.project(projectId)
    const services = this.projects.records(projectId)
    if (services.length > 0 && !force) {
      throw new AppError(
        'conflict',
        `${project.name} has ${services.length} service${services.length === 1 ? '' : 's'}: removing it removes their containers too (force=true)`,
        'force',
      )
    }
    if (services.length > 0 || (await this.hostReachable(project))) {
      for (const level of inOrder(services, stopLevels)) {
        // Not all at once: dockerd 20.10 can lose count of a network's endpoints when many leave it together.
        await forEachLimited(level, REMOVE_CONCURRENCY, async (s) => {
          await this.reconciler.removeService(project, s, volumes)
        })
      }
      await this.releaseNetwork(project.hostId, projectNetworkName(project.name))
      await this.reconciler.removeNetwork(await this.reconciler.docker(project.hostId), project)
    }
    this.projects.forgetProject(project.id)
  }

  private async hostReachable(project: ProjectRecord): Promise<boolean> {
    try {
      await this.reconciler.docker(project.hostId)
      return true
    } catch {
      // An empty project on a host that is gone: nothing of it can be on the engine worth waiting for.
      return false
    }
  }

  private async stopContainers(project: ProjectRecord, service: ServiceRecord, timeoutSeconds?: number): Promise<void> {
    const docker = await this.reconciler.docker(project.hostId)
    const containers = await this.reconciler.containersOf(docker, service)
    await Promise.all(
      containers
        .filter((c) => c.State === 'running' || c.State === 'restarting' || c.State === 'paused')
        .map((c) => this.containers.stop(project.hostId, c.Id, timeoutSeconds)),
    )
  }

  private async currentContainer(project: ProjectRecord, service: ServiceRecord): Promise<string> {
    await this.tracker.ready(project.hostId)
    const container = this.tracker.get(service.id)?.container
    if (!container) {
      throw new AppError('not_found', `${service.name} has no container yet: start it first`)
    }
    return container.id
  }

  /** Whether the container carries the spec as it is now (an adopted one: whether the spec is what it adopted). */
  private matches(service: ServiceRecord, labels: Record<string, string>, containerId: string): boolean {
    if (service.origin === 'adopted' && containerId === service.containerId)
      return service.appliedHash === service.specHash
    return labels[LABELS.specHash] === service.specHash
  }
}

/** A project's services in levels that may run at once, by their `dependsOn`. */
function inOrder(
  services: ServiceRecord[],
  order: (nodes: { name: string; dependsOn: string[]; service: ServiceRecord }[]) => { service: ServiceRecord }[][],
): ServiceRecord[][] {
  const nodes = services.map((service) => ({ name: service.name, dependsOn: service.spec.dependsOn, service }))
  return order(nodes).map((level) => level.map((node) => node.service))
}

const noImage = (service: ServiceRecord): AppError =>
  new AppError('no_image', `${service.name} has no image yet: build it from git and deploy the build first`)
