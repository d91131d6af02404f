import type Dockerode from 'dockerode'
import { LABELS } from '../../../src-preload/contract/projects'
import type { DockerEvent } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { HostConnections } from '../hosts/host-connections'
import type { ProjectStore, ServiceRecord } from './project-store'
import { observationFromInspect, pickContainer, type ContainerObservation, type Observed } from './service-status'

/** Events that change nothing about a container's state. */
const IGNORED_ACTIONS = /^(exec_|top|attach|resize|archive-path|extract-to-dir|copy|export|commit)/
const SETTLE_MS = 40
/** Inspects in flight at once per host: enough to hide a tunnel's round trip, few enough to be polite. */
const INSPECT_CONCURRENCY = 16

/**
 * Every service's container as the engine last told it, kept current by the engine's own event stream (no
 * polling): a full read per host when its link comes up (so a restart of glinrdock shows the truth at once), and
 * one inspect per container an event touched. Containers are found by our `io.glinrdock.service` label, or, for
 * adopted ones created without it, by the id glinrdock recorded.
 */
export class ServiceStatusTracker {
  private readonly observed = new Map<string, Observed>()
  private readonly synced = new Map<string, Promise<void>>()
  private readonly pending = new Map<string, Set<string>>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly digests = new Map<string, Promise<string | null>>()
  private readonly stops: (() => void)[] = []
  private disposed = false

  constructor(
    private readonly connections: HostConnections,
    private readonly store: ProjectStore,
    /** Called with the ids of services whose observation changed. */
    private readonly changed: (serviceIds: string[]) => void,
    private readonly log: Logger,
  ) {
    this.stops.push(connections.onEngineEvent((hostId, event) => this.onEvent(hostId, event)))
    this.stops.push(connections.onResync((hostId) => void this.sync(hostId)))
  }

  get(serviceId: string): Observed | undefined {
    return this.observed.get(serviceId)
  }

  /** Waits for the first full read of a host (or its failure), so a first view is complete, not empty. */
  async ready(hostId: string): Promise<void> {
    await (this.synced.get(hostId) ?? this.sync(hostId))
  }

  /** Reads every service container of a host again. */
  sync(hostId: string): Promise<void> {
    const run = this.readHost(hostId).catch((err: unknown) => {
      this.log.debug({ hostId, err: (err as Error).message }, 'service status read failed')
      // The next view asks again: a host that was down at start-up is read once it is back.
      if (this.synced.get(hostId) === run) this.synced.delete(hostId)
      this.markStale(hostId)
    })
    this.synced.set(hostId, run)
    return run
  }

  /** Reads one service's container again now (after glinrdock changed it), without waiting for its event. */
  async refresh(service: ServiceRecord, hostId: string): Promise<void> {
    try {
      const docker = await this.connections.get(hostId).docker(5_000)
      const found = await this.find(docker, hostId, [service])
      this.set([service.id], found)
    } catch (err) {
      this.log.debug({ serviceId: service.id, err: (err as Error).message }, 'service status refresh failed')
    }
  }

  forget(serviceId: string): void {
    this.observed.delete(serviceId)
  }

  dispose(): void {
    this.disposed = true
    for (const stop of this.stops) stop()
    for (const timer of this.timers.values()) clearTimeout(timer)
  }

  private async readHost(hostId: string): Promise<void> {
    const services = this.store.servicesOnHost(hostId)
    if (services.length === 0) return
    const docker = await this.connections.get(hostId).docker(5_000)
    this.set(
      services.map((s) => s.id),
      await this.find(docker, hostId, services),
    )
  }

  /** One list by label (and by recorded id for adopted containers), then one inspect per container found. */
  private async find(
    docker: Dockerode,
    hostId: string,
    services: ServiceRecord[],
  ): Promise<Map<string, ContainerObservation[]>> {
    const byId = new Map(services.filter((s) => s.containerId).map((s) => [s.containerId!, s.id]))
    const wanted = new Set(services.map((s) => s.id))
    const labelFilter = services.length === 1 ? [`${LABELS.service}=${services[0]!.id}`] : [LABELS.service]
    const lists = [docker.listContainers({ all: true, filters: { label: labelFilter } })]
    const adopted = [...byId.keys()].filter((id) => {
      const service = services.find((s) => s.containerId === id)
      return service?.origin === 'adopted'
    })
    if (adopted.length > 0) lists.push(docker.listContainers({ all: true, filters: { id: adopted } }))
    const rows = (await Promise.all(lists)).flat()
    const owners = new Map<string, string>()
    for (const row of rows) {
      const owner = row.Labels?.[LABELS.service] ?? byId.get(row.Id)
      if (owner && wanted.has(owner)) owners.set(row.Id, owner)
    }
    const found = new Map<string, ContainerObservation[]>()
    await forEachLimited([...owners], INSPECT_CONCURRENCY, async ([containerId, owner]) => {
      const observation = await this.inspect(docker, hostId, containerId)
      if (!observation) return
      const list = found.get(owner) ?? []
      list.push(observation)
      found.set(owner, list)
    })
    return found
  }

  private async inspect(docker: Dockerode, hostId: string, containerId: string): Promise<ContainerObservation | null> {
    try {
      const info = (await docker.getContainer(containerId).inspect()) as unknown as Record<string, unknown>
      const imageId = typeof info.Image === 'string' ? info.Image : null
      return observationFromInspect(info, imageId ? await this.digestOf(docker, hostId, imageId) : null)
    } catch (err) {
      // Removed between the list and the inspect.
      if ((err as { statusCode?: number }).statusCode === 404) return null
      throw err
    }
  }

  /** Image ids are content addresses: the digest an id has does not change, so it is read once per host. */
  private digestOf(docker: Dockerode, hostId: string, imageId: string): Promise<string | null> {
    const key = `${hostId}/${imageId}`
    let digest = this.digests.get(key)
    if (!digest) {
      digest = docker
        .getImage(imageId)
        .inspect()
        .then((image) => image.RepoDigests?.[0] ?? null)
        .catch(() => {
          this.digests.delete(key)
          return null
        })
      this.digests.set(key, digest)
    }
    return digest
  }

  private set(serviceIds: string[], found: Map<string, ContainerObservation[]>): void {
    if (this.disposed) return
    const changed: string[] = []
    for (const id of serviceIds) {
      const record = this.store.service(id)
      const container = pickContainer(found.get(id) ?? [], record?.containerId ?? null)
      const before = this.observed.get(id)
      const next: Observed = { container, live: true }
      if (!before || JSON.stringify(before) !== JSON.stringify(next)) changed.push(id)
      this.observed.set(id, next)
    }
    if (changed.length > 0) this.changed(changed)
  }

  private markStale(hostId: string): void {
    const changed: string[] = []
    for (const service of this.store.servicesOnHost(hostId)) {
      const before = this.observed.get(service.id)
      if (before?.live === false) continue
      this.observed.set(service.id, { container: before?.container ?? null, live: false })
      changed.push(service.id)
    }
    if (changed.length > 0) this.changed(changed)
  }

  private onEvent(hostId: string, event: DockerEvent): void {
    if (event.Type !== 'container') return
    const action = event.Action ?? ''
    if (IGNORED_ACTIONS.test(action)) return
    const containerId = event.Actor?.ID
    const labelled = event.Actor?.Attributes?.[LABELS.service]
    const serviceIds = new Set<string>()
    if (labelled) serviceIds.add(labelled)
    for (const service of this.store.servicesOnHost(hostId)) {
      if (service.containerId === containerId) serviceIds.add(service.id)
    }
    if (serviceIds.size === 0) return
    let pending = this.pending.get(hostId)
    if (!pending) this.pending.set(hostId, (pending = new Set()))
    for (const id of serviceIds) pending.add(id)
    if (!this.timers.has(hostId))
      this.timers.set(
        hostId,
        setTimeout(() => void this.flush(hostId), SETTLE_MS),
      )
  }

  private async flush(hostId: string): Promise<void> {
    this.timers.delete(hostId)
    const ids = [...(this.pending.get(hostId) ?? [])]
    this.pending.delete(hostId)
    const services = ids.map((id) => this.store.service(id)).filter((s): s is ServiceRecord => s !== undefined)
    if (services.length === 0) return
    try {
      const docker = await this.connections.get(hostId).docker(5_000)
      this.set(
        services.map((s) => s.id),
        await this.find(docker, hostId, services),
      )
    } catch (err) {
      this.log.warn({ hostId, err: (err as Error).message }, 'could not refresh service status')
    }
  }
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!)
  })
  await Promise.all(lanes)
}
