import type Dockerode from 'dockerode'
import { LABELS } from '../../../src-preload/contract/projects'
import type { DockerEvent } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { HostConnections } from '../hosts/host-connections'
import type { ProjectStore, ServiceRecord } from './project-store'
import { listServiceContainers } from './service-containers'
import { forEachLimited } from '../shared/limited'
import {
  observationFromInspect,
  observationFromRow,
  pickContainer,
  type ContainerObservation,
  type ContainerRow,
  type Observed,
} from './service-status'

/** Events that change nothing about a container's state. */
const IGNORED_ACTIONS = /^(exec_|top|attach|resize|archive-path|extract-to-dir|copy|export|commit)/
const SETTLE_MS = 40
/** Inspects in flight at once per host: enough to hide a tunnel's round trip, few enough to be polite. */
const INSPECT_CONCURRENCY = 32

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
  /**
   * Reads overlap (a host's full read, an event's, a deploy's refresh), and one that started earlier may finish
   * later: each read takes a number when it starts, and a service keeps the observation of its newest read.
   */
  private readSeq = 0
  private readonly appliedSeq = new Map<string, number>()
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
      const seq = ++this.readSeq
      const docker = await this.connections.get(hostId).docker(5_000)
      this.set([service], await this.inspectAll(docker, hostId, await listServiceContainers(docker, [service])), seq)
    } catch (err) {
      this.log.debug({ serviceId: service.id, err: (err as Error).message }, 'service status refresh failed')
    }
  }

  /**
   * Services just stored, which have no container yet (adopted ones are refreshed instead): known to be missing
   * while their host is connected, so they do not look like the last known state of an unreachable host.
   */
  observeNew(serviceIds: string[], hostId: string): void {
    const live = this.connections.all().some((c) => c.host.id === hostId && c.state === 'connected')
    for (const id of serviceIds) if (!this.observed.has(id)) this.observed.set(id, { container: null, live })
  }

  forget(serviceId: string): void {
    this.observed.delete(serviceId)
    this.appliedSeq.delete(serviceId)
  }

  dispose(): void {
    this.disposed = true
    for (const stop of this.stops) stop()
    for (const timer of this.timers.values()) clearTimeout(timer)
  }

  /**
   * The first view of a host needs one list call: states, health and exit codes come from its rows at once, and
   * the inspects that add start times and digests follow without holding the view back.
   */
  private async readHost(hostId: string): Promise<void> {
    const services = this.store.servicesOnHost(hostId)
    if (services.length === 0) return
    const seq = ++this.readSeq
    const docker = await this.connections.get(hostId).docker(5_000)
    const owned = await listServiceContainers(docker, services)
    const fromRows = new Map<string, ContainerObservation[]>()
    for (const [owner, rows] of owned) {
      const before = this.observed.get(owner)?.container ?? null
      fromRows.set(
        owner,
        rows.map((row) => observationFromRow(row, before)),
      )
    }
    this.set(services, fromRows, seq)
    // On the next turn: sending a hundred inspects takes ~30 ms, and the views waiting for this read go first.
    setImmediate(() =>
      this.inspectAll(docker, hostId, owned).then(
        (found) => this.set(services, found, seq),
        (err: unknown) => this.log.debug({ hostId, err: (err as Error).message }, 'service details read failed'),
      ),
    )
  }

  /** An inspect per container: everything the status shows. */
  private async inspectAll(
    docker: Dockerode,
    hostId: string,
    owned: Map<string, ContainerRow[]>,
  ): Promise<Map<string, ContainerObservation[]>> {
    const found = new Map<string, ContainerObservation[]>()
    const work = [...owned].flatMap(([owner, rows]) => rows.map((row) => [owner, row.Id] as const))
    await forEachLimited(work, INSPECT_CONCURRENCY, async ([owner, containerId]) => {
      const observation = await this.inspect(docker, hostId, containerId)
      if (observation) found.set(owner, [...(found.get(owner) ?? []), observation])
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

  private set(services: ServiceRecord[], found: Map<string, ContainerObservation[]>, seq: number): void {
    if (this.disposed) return
    const changed: string[] = []
    for (const { id, containerId } of services) {
      if ((this.appliedSeq.get(id) ?? 0) > seq) continue
      this.appliedSeq.set(id, seq)
      const container = pickContainer(found.get(id) ?? [], containerId)
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
    // An adopted container carries no label of ours: it is known by the id glinrdock recorded.
    else if (containerId) for (const id of this.store.serviceIdsByContainer(hostId, containerId)) serviceIds.add(id)
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
      const seq = ++this.readSeq
      const docker = await this.connections.get(hostId).docker(5_000)
      const found = await this.inspectAll(docker, hostId, await listServiceContainers(docker, services))
      this.set(services, found, seq)
    } catch (err) {
      this.log.warn({ hostId, err: (err as Error).message }, 'could not refresh service status')
    }
  }
}
