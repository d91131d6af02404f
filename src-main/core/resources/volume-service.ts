import type Dockerode from 'dockerode'
import type { PrunePreview, PruneResult, VolumeSummary } from '../../../src-preload/contract/resources'
import { apiAtLeast, mapDockerError, systemDf, type DiskUsage } from '../../infra/docker'
import type { HostConnections } from '../hosts/host-connections'
import type { PruneQuery } from './image-service'
import {
  inUseError,
  isoOrNull,
  labelsMatch,
  listAllContainers,
  pruneFilters,
  statusOf,
  toUser,
  usersBy,
} from './resource-support'

/** Set by engines ≥ 23 on volumes created for a container's anonymous mounts; what a default prune removes. */
const ANONYMOUS_LABEL = 'com.docker.volume.anonymous'

interface ListedVolume {
  Name: string
  Driver: string
  Mountpoint: string
  CreatedAt?: string
  Labels?: Record<string, string> | null
}

const volumeKeys = (c: Dockerode.ContainerInfo): string[] =>
  (c.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name).map((m) => m.Name!)

/** Volumes on one host's engine, with the containers (any state) that mount each one. */
export class VolumeService {
  constructor(private readonly connections: HostConnections) {}

  async list(hostId: string): Promise<VolumeSummary[]> {
    const docker = await this.docker(hostId)
    // Sizes only where the engine can be asked for volumes alone (API ≥ 1.42, `df?type=volume`); an older engine
    // would also size every container's layer for it, which is too slow for a list, so sizes are null there.
    const usage = apiAtLeast(docker, '1.42') ? systemDf(docker, ['volume']).catch(() => null) : Promise.resolve(null)
    const [volumes, containers, df] = await Promise.all([this.listVolumes(docker), listAllContainers(docker), usage])
    const sizes = sizesOf(df)
    const users = usersBy(containers, volumeKeys)
    return volumes.map((volume) => ({
      name: volume.Name,
      driver: volume.Driver,
      mountpoint: volume.Mountpoint,
      createdAt: isoOrNull(volume.CreatedAt),
      labels: volume.Labels ?? {},
      sizeBytes: sizes.get(volume.Name) ?? null,
      containers: users.get(volume.Name) ?? [],
    }))
  }

  async inspect(hostId: string, name: string): Promise<Record<string, unknown>> {
    const docker = await this.docker(hostId)
    try {
      return (await docker.getVolume(name).inspect()) as unknown as Record<string, unknown>
    } catch (err) {
      throw mapDockerError(err, `volume ${name}`)
    }
  }

  async remove(hostId: string, name: string, force = false): Promise<void> {
    const docker = await this.docker(hostId)
    try {
      await docker.getVolume(name).remove({ force })
    } catch (err) {
      if (statusOf(err) === 409) {
        const users = await listAllContainers(docker)
          .then((all) => all.filter((c) => volumeKeys(c).includes(name)).map(toUser))
          .catch(() => [])
        if (users.length > 0) throw inUseError(`Volume ${name}`, users, 'remove them first')
      }
      throw mapDockerError(err, `volume ${name}`)
    }
  }

  /**
   * What `POST /volumes/prune` removes (moby `VolumesService.Prune`): volumes of the `local` driver that no
   * container references, matching the label filters, and (API ≥ 1.42, unless `all`) only anonymous ones.
   * Before 1.42 the engine prunes named volumes too, whatever we ask. Sizes come from a full `system df` on
   * such engines: slower, but a preview is one deliberate click, and its figure is what the user weighs.
   */
  async prunePreview(hostId: string, query: PruneQuery): Promise<PrunePreview> {
    const docker = await this.docker(hostId)
    const [volumes, containers, df] = await Promise.all([
      this.listVolumes(docker),
      listAllContainers(docker),
      systemDf(docker, ['volume']).catch(() => null),
    ])
    const sizes = sizesOf(df)
    const used = usersBy(containers, volumeKeys)
    const everyVolume = query.all === true || !apiAtLeast(docker, '1.42')
    const items = volumes
      .filter(
        (v) =>
          v.Driver === 'local' &&
          !used.has(v.Name) &&
          labelsMatch(v.Labels, query.labels) &&
          (everyVolume || Object.prototype.hasOwnProperty.call(v.Labels ?? {}, ANONYMOUS_LABEL)),
      )
      .map((v) => ({ id: v.Name, label: v.Name, sizeBytes: sizes.get(v.Name) ?? 0 }))
    return { items, spaceBytes: items.reduce((sum, item) => sum + item.sizeBytes, 0) }
  }

  async prune(hostId: string, query: PruneQuery): Promise<PruneResult> {
    const docker = await this.docker(hostId)
    // An engine before 1.42 rejects the `all` filter (it prunes everything anyway).
    const all: Record<string, string[]> = query.all === true && apiAtLeast(docker, '1.42') ? { all: ['true'] } : {}
    try {
      const report = await docker.pruneVolumes({ filters: pruneFilters(query.labels, all) })
      return { removed: report.VolumesDeleted ?? [], spaceReclaimedBytes: report.SpaceReclaimed ?? 0 }
    } catch (err) {
      throw mapDockerError(err, 'volume prune')
    }
  }

  private async listVolumes(docker: Dockerode): Promise<ListedVolume[]> {
    try {
      return ((await docker.listVolumes()).Volumes ?? []) as ListedVolume[]
    } catch (err) {
      throw mapDockerError(err, 'volumes')
    }
  }

  private docker(hostId: string): Promise<Dockerode> {
    return this.connections.get(hostId).docker()
  }
}

/** The engine reports -1 for a size it did not compute (non-local drivers). */
function sizesOf(df: DiskUsage | null): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const volume of df?.Volumes ?? []) {
    const size = volume.UsageData?.Size
    if (typeof size === 'number' && size >= 0) sizes.set(volume.Name, size)
  }
  return sizes
}
