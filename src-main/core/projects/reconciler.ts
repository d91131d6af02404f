import type Dockerode from 'dockerode'
import { LABELS, projectNetworkName } from '../../../src-preload/contract/projects'
import { mapDockerError } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { HostConnections } from '../hosts/host-connections'
import type { ImagePullService } from '../registries'
import { AppError } from '../shared/app-error'
import { planContainer } from './container-config'
import type { ProjectRecord, ProjectStore, ServiceRecord } from './project-store'
import type { ServiceEnv } from './service-env'
import { listServiceContainers } from './service-containers'
import { effectiveImage, releasedSpec } from './service-release'
import type { ContainerRow } from './service-status'

export interface DeployContext {
  signal: AbortSignal
  progress(percent: number, message?: string): void
  log(line: string): void
  /**
   * Shared by the deploys of one project job: the network was ensured once, and each image is looked up (and
   * pulled) once however many services run it.
   */
  shared?: { networkReady: boolean; images: Map<string, Promise<void>> }
}

const STOP_TIMEOUT_SECONDS = 10
const NETWORK_REMOVE_RETRIES = 4

/** The engine's words for a host port someone else holds (20.10 through 27). */
const PORT_TAKEN = /port is already allocated|address already in use|ports are not available/i

/**
 * Makes the engine match a service's spec: the project network, the image (pulled with the stored registry
 * logins when missing), then the container — kept when it carries the spec's hash, recreated when it does not.
 * Every step checks the job's signal, and a container made by a canceled or failed deploy is removed again.
 */
export class ServiceReconciler {
  constructor(
    private readonly store: ProjectStore,
    private readonly connections: HostConnections,
    private readonly pulls: ImagePullService,
    private readonly env: ServiceEnv,
    private readonly log: Logger,
  ) {}

  async docker(hostId: string): Promise<Dockerode> {
    return this.connections.get(hostId).docker()
  }

  async deploy(project: ProjectRecord, service: ServiceRecord, ctx: DeployContext): Promise<void> {
    if (!effectiveImage(service)) {
      throw new AppError('no_image', `${service.name} has no image yet: build it from git and deploy the build first`)
    }
    const spec = releasedSpec(await this.env.resolve(service), service.release)
    const plan = planContainer({ id: project.id, name: project.name }, service.id, spec)
    const docker = await this.docker(project.hostId)
    if (!ctx.shared?.networkReady) await this.ensureNetwork(docker, project)
    checkAborted(ctx.signal)

    const existing = await this.containersOf(docker, service)
    const current = existing.find((c) => c.Labels?.[LABELS.specHash] === plan.specHash)
    const adoptedCurrent =
      service.origin === 'adopted' && service.appliedHash === plan.specHash
        ? existing.find((c) => c.Id === service.containerId)
        : undefined
    const keep = current ?? adoptedCurrent
    if (keep) {
      ctx.log(`${plan.name} already matches its spec`)
      for (const extra of existing) if (extra.Id !== keep.Id) await removeContainer(docker, extra.Id)
      // A deployment cut short (glinrdock stopped mid-swap) can leave it under the name it was moved aside to.
      if (keep.Names?.[0]?.replace(/^\//, '') !== plan.name) await renameContainer(docker, keep.Id, plan.name)
      if (keep.State !== 'running') {
        await startContainer(docker, keep.Id, service, project)
        ctx.log(`Started ${plan.name}`)
      }
      this.store.recordApplied(service.id, keep.Id, plan.specHash)
      ctx.progress(100)
      return
    }

    await this.imageOnce(project.hostId, docker, spec.image!, ctx)
    checkAborted(ctx.signal)
    for (const old of existing) {
      ctx.log(`Removing ${old.Names?.[0]?.replace(/^\//, '') ?? old.Id.slice(0, 12)} (spec changed)`)
      await removeContainer(docker, old.Id)
    }
    await this.ensureVolumes(docker, project, spec)
    ctx.progress(85, `Creating ${plan.name}`)
    const created = await createContainer(docker, plan.name, plan.body)
    try {
      checkAborted(ctx.signal)
      ctx.log(`Created ${plan.name} (${created.slice(0, 12)})`)
      await startContainer(docker, created, service, project)
      checkAborted(ctx.signal)
    } catch (err) {
      // No half-made container stays behind: a deploy either runs its container or leaves none.
      await removeContainer(docker, created).catch(() => undefined)
      throw err
    }
    this.store.recordApplied(service.id, created, plan.specHash)
    ctx.log(`Started ${plan.name}`)
    // The tracker hears of the new container from the engine's create and start events.
    ctx.progress(100)
  }

  async ensureNetwork(docker: Dockerode, project: ProjectRecord): Promise<void> {
    const name = projectNetworkName(project.name)
    try {
      await docker.getNetwork(name).inspect()
      return
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw mapDockerError(err, `network ${name}`)
    }
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { [LABELS.project]: project.id },
      })
    } catch (err) {
      // Created meanwhile by another deploy of the project: fine.
      if ((err as { statusCode?: number }).statusCode !== 409) throw mapDockerError(err, `network ${name}`)
    }
  }

  /**
   * Removes the project network. Right after its containers went, the engine may still count their endpoints
   * (dockerd 20.10 does, for a while or for good, when many left at once): a few retries, then the network is left
   * for the engine's own prune rather than keeping a project nothing else is left of. Answers whether it went.
   */
  async removeNetwork(docker: Dockerode, project: ProjectRecord): Promise<boolean> {
    const name = projectNetworkName(project.name)
    try {
      const info = (await docker.getNetwork(name).inspect()) as { Labels?: Record<string, string> | null }
      if (info.Labels?.[LABELS.project] !== project.id) {
        this.log.info({ network: name }, 'network kept: glinrdock did not create it for this project')
        return false
      }
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return true
      throw mapDockerError(err, `network ${name}`)
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await docker.getNetwork(name).remove()
        return true
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode
        if (status === 404) return true
        const mapped = mapDockerError(err, `network ${name}`)
        if (!/active endpoints/i.test(mapped.message)) throw mapped
        if (attempt >= NETWORK_REMOVE_RETRIES) {
          this.log.warn({ network: name }, 'network kept: the engine still counts endpoints on it')
          return false
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)))
      }
    }
  }

  /** A service's containers (see {@link listServiceContainers}). */
  async containersOf(docker: Dockerode, service: ServiceRecord): Promise<ContainerRow[]> {
    try {
      return (await listServiceContainers(docker, [service])).get(service.id) ?? []
    } catch (err) {
      throw mapDockerError(err, `containers of ${service.name}`)
    }
  }

  /**
   * Removes a service's containers and, when asked, the named volumes glinrdock created for its project (by their
   * label, never by name alone: a volume the user or compose made stays, and so does one another container uses).
   */
  async removeService(project: ProjectRecord, service: ServiceRecord, volumes: boolean): Promise<string[]> {
    const docker = await this.docker(project.hostId)
    for (const container of await this.containersOf(docker, service)) await removeContainer(docker, container.Id)
    const removed: string[] = []
    if (!volumes) return removed
    for (const mount of service.spec.volumes) {
      if (mount.type !== 'volume' || !mount.source) continue
      const volume = docker.getVolume(mount.source)
      try {
        const info = (await volume.inspect()) as { Labels?: Record<string, string> | null }
        if (info.Labels?.[LABELS.project] !== project.id) {
          this.log.info({ volume: mount.source }, 'volume kept: glinrdock did not create it for this project')
          continue
        }
        await volume.remove()
        removed.push(mount.source)
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode
        // 404: never created; 409: another container still uses it, which keeps its data safe.
        if (status !== 404 && status !== 409) throw mapDockerError(err, `volume ${mount.source}`)
        if (status === 409) this.log.info({ volume: mount.source }, 'volume kept: still in use')
      }
    }
    return removed
  }

  /** Named volumes the spec mounts, created with the project's label when missing (so a removal can tell ours). */
  async ensureVolumes(
    docker: Dockerode,
    project: ProjectRecord,
    spec: { volumes: { type: string; source?: string }[] },
  ): Promise<void> {
    for (const mount of spec.volumes) {
      if (mount.type !== 'volume' || !mount.source) continue
      try {
        await docker.getVolume(mount.source).inspect()
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw mapDockerError(err, `volume ${mount.source}`)
        await docker
          .createVolume({ Name: mount.source, Labels: { [LABELS.project]: project.id } })
          .catch((e: unknown) => {
            throw mapDockerError(e, `volume ${mount.source}`)
          })
      }
    }
  }

  private imageOnce(hostId: string, docker: Dockerode, image: string, ctx: DeployContext): Promise<void> {
    const images = ctx.shared?.images
    if (!images) return this.ensureImage(hostId, docker, image, ctx)
    let pending = images.get(image)
    if (!pending) {
      pending = this.ensureImage(hostId, docker, image, ctx)
      images.set(image, pending)
    }
    return pending
  }

  /** The image on the engine, pulled with the stored registry logins when it is missing. */
  async ensureImage(hostId: string, docker: Dockerode, image: string, ctx: DeployContext): Promise<void> {
    try {
      await docker.getImage(image).inspect()
      ctx.log(`Image ${image} is present`)
      return
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw mapDockerError(err, `image ${image}`)
    }
    ctx.log(`Pulling ${image}`)
    const outcome = await this.pulls.pullImage(hostId, image, {
      signal: ctx.signal,
      onProgress: ({ percent, message }) => ctx.progress(Math.round(percent * 0.8), message),
    })
    ctx.log(outcome.digest ? `Pulled ${image} (${outcome.digest})` : `Pulled ${image}`)
  }
}

export function checkAborted(signal: AbortSignal): void {
  if (!signal.aborted) return
  throw signal.reason instanceof AppError ? signal.reason : new AppError('internal', 'Deploy canceled')
}

export async function createContainer(docker: Dockerode, name: string, body: Record<string, unknown>): Promise<string> {
  try {
    const container = await docker.createContainer({ ...body, name } as Dockerode.ContainerCreateOptions)
    return container.id
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 409) {
      throw new AppError(
        'conflict',
        `A container named ${name} already exists on this host and glinrdock does not manage it: ` +
          'rename or remove it, or adopt it into the project',
        'name',
      )
    }
    throw mapDockerError(err, `container ${name}`)
  }
}

export async function startContainer(
  docker: Dockerode,
  id: string,
  service: ServiceRecord,
  project: ProjectRecord,
): Promise<void> {
  try {
    await docker.getContainer(id).start()
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 304) return
    const mapped = mapDockerError(err, `${project.name}-${service.name}`)
    if (PORT_TAKEN.test(mapped.message)) {
      const ports = service.spec.ports.filter((p) => p.host !== undefined).map((p) => `${p.host}/${p.protocol}`)
      throw new AppError(
        'port_conflict',
        `${service.name} could not start: host port ${ports.join(', ')} is already in use on this host ` +
          `(the engine said: ${mapped.message.replace(/^.*?: /, '')})`,
        'ports',
      )
    }
    throw mapped
  }
}

export async function renameContainer(docker: Dockerode, id: string, name: string): Promise<void> {
  try {
    await docker.getContainer(id).rename({ name })
  } catch (err) {
    throw mapDockerError(err, `container ${id.slice(0, 12)}`)
  }
}

export async function removeContainer(docker: Dockerode, id: string): Promise<void> {
  const container = docker.getContainer(id)
  try {
    await container.stop({ t: STOP_TIMEOUT_SECONDS })
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode
    if (status !== 304 && status !== 404) throw mapDockerError(err, `container ${id.slice(0, 12)}`)
  }
  try {
    await container.remove({ force: true })
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw mapDockerError(err, `container ${id.slice(0, 12)}`)
  }
}
