import type Dockerode from 'dockerode'
import type { ImageSummary, PrunePreview, PruneResult, ResourceUser } from '../../../src-preload/contract/resources'
import { mapDockerError } from '../../infra/docker'
import type { HostConnections } from '../hosts/host-connections'
import { AppError } from '../shared/app-error'
import { imagePrunePlan, realDigests, realTags, toPreview, type ListedImage } from './image-prune-plan'
import { inUseError, listAllContainers, pruneFilters, statusOf, toUser, usersBy } from './resource-support'

export interface PruneQuery {
  all?: boolean
  labels?: string[]
}

const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12)

/** Per image id on a host, who keeps it from every prune (`<project>/<service>`): the deploys domain answers. */
export type ProtectedImages = (hostId: string) => Map<string, string>

/**
 * Images on one host's engine, with the containers that hold each one. Images a service's recent successful
 * deployments ran are protected: no prune here removes them (a rollback needs them), and a remove needs `force`.
 */
export class ImageService {
  constructor(
    private readonly connections: HostConnections,
    private readonly protectedImages: ProtectedImages = () => new Map(),
  ) {}

  async list(hostId: string): Promise<ImageSummary[]> {
    const docker = await this.docker(hostId)
    const [images, containers] = await Promise.all([this.listImages(docker, false), listAllContainers(docker)])
    const users = usersBy(containers, (c) => [c.ImageID])
    const kept = this.protectedImages(hostId)
    return images.map((image) => {
      const repoTags = realTags(image)
      return {
        id: image.Id,
        shortId: shortId(image.Id),
        repoTags,
        repoDigests: realDigests(image),
        sizeBytes: image.Size,
        createdAt: new Date(image.Created * 1000).toISOString(),
        dangling: repoTags.length === 0,
        containers: users.get(image.Id) ?? [],
        protectedBy: kept.get(image.Id) ?? null,
      }
    })
  }

  async inspect(hostId: string, imageId: string): Promise<Record<string, unknown>> {
    const docker = await this.docker(hostId)
    try {
      return (await docker.getImage(imageId).inspect()) as unknown as Record<string, unknown>
    } catch (err) {
      throw mapDockerError(err, `image ${imageId}`)
    }
  }

  async remove(hostId: string, imageId: string, force = false): Promise<void> {
    const docker = await this.docker(hostId)
    const kept = this.protectedImages(hostId)
    if (!force && kept.size > 0) {
      const id = await docker
        .getImage(imageId)
        .inspect()
        .then((info) => info.Id)
        .catch(() => null)
      const by = id ? kept.get(id) : undefined
      if (by)
        throw new AppError(
          'conflict',
          `Image ${imageId} is kept for rollback by ${by}'s recent deployments: remove it with force if you are sure`,
          'force',
        )
    }
    try {
      await docker.getImage(imageId).remove({ force })
    } catch (err) {
      if (statusOf(err) === 409) {
        // The engine names one container by short id; people need every container, by name.
        const users = await this.usersOf(docker, imageId).catch(() => [])
        if (users.length > 0) {
          throw inUseError(
            `Image ${imageId}`,
            users,
            'stop and remove them first, or remove with force where Docker allows it',
          )
        }
      }
      throw mapDockerError(err, `image ${imageId}`)
    }
  }

  async prunePreview(hostId: string, query: PruneQuery): Promise<PrunePreview> {
    const docker = await this.docker(hostId)
    const [images, containers] = await Promise.all([this.listImages(docker, true), listAllContainers(docker)])
    const plan = imagePrunePlan(images, this.keptFromPrune(hostId, containers), {
      all: query.all ?? false,
      labels: query.labels,
    })
    return toPreview(plan, images)
  }

  async prune(hostId: string, query: PruneQuery): Promise<PruneResult> {
    const docker = await this.docker(hostId)
    const kept = this.protectedImages(hostId)
    if (kept.size > 0) return this.pruneSparing(docker, hostId, query)
    // The engine reports deleted layers as "Deleted" too; only ids that were images before count as removed.
    const before = new Set((await this.listImages(docker, true)).map((image) => image.Id))
    const filters = pruneFilters(query.labels, { dangling: [query.all ? 'false' : 'true'] })
    let report: { ImagesDeleted?: { Deleted?: string; Untagged?: string }[] | null; SpaceReclaimed?: number }
    try {
      report = await docker.pruneImages({ filters })
    } catch (err) {
      throw mapDockerError(err, 'image prune')
    }
    const removed = (report.ImagesDeleted ?? [])
      .map((entry) => entry.Deleted)
      .filter((id): id is string => id !== undefined && before.has(id))
    return { removed, spaceReclaimedBytes: report.SpaceReclaimed ?? 0 }
  }

  /**
   * The engine's prune cannot be told to spare an image (a deployment's image may be untagged, hence dangling):
   * with protected images on the host, the plan (which treats them as in use, so their parents stay too) is
   * removed image by image, children first, each with `noprune` so the engine deletes nothing the plan kept.
   */
  private async pruneSparing(docker: Dockerode, hostId: string, query: PruneQuery): Promise<PruneResult> {
    const [images, containers] = await Promise.all([this.listImages(docker, true), listAllContainers(docker)])
    const plan = imagePrunePlan(images, this.keptFromPrune(hostId, containers), {
      all: query.all ?? false,
      labels: query.labels,
    })
    // What each image adds to its parent, as the preview counts it.
    const sizes = new Map(images.map((image) => [image.Id, image.Size]))
    const parentOf = new Map(images.map((image) => [image.Id, image.ParentId ?? '']))
    const pending = new Set(plan.map((image) => image.Id))
    const removed: string[] = []
    let spaceReclaimedBytes = 0
    while (pending.size > 0) {
      const parents = new Set([...pending].map((id) => parentOf.get(id)))
      const leaves = [...pending].filter((id) => !parents.has(id))
      if (leaves.length === 0) break
      for (const id of leaves) {
        pending.delete(id)
        if (await this.removeForPrune(docker, id)) {
          removed.push(id)
          spaceReclaimedBytes += Math.max(0, (sizes.get(id) ?? 0) - (sizes.get(parentOf.get(id) ?? '') ?? 0))
        }
      }
    }
    return { removed, spaceReclaimedBytes }
  }

  /** One image of a prune; false when it went meanwhile or something now uses it (a prune skips those). */
  private async removeForPrune(docker: Dockerode, id: string): Promise<boolean> {
    try {
      await docker.getImage(id).remove({ noprune: true })
      return true
    } catch (err) {
      const status = statusOf(err)
      if (status === 404) return false
      if (status !== 409) throw mapDockerError(err, `image ${id}`)
    }
    // 409: several tags or digests name it (the engine wants force for that), or a container took it meanwhile.
    const users = (await listAllContainers(docker)).filter((c) => c.ImageID === id)
    if (users.length > 0) return false
    try {
      await docker.getImage(id).remove({ force: true, noprune: true })
      return true
    } catch (err) {
      if (statusOf(err) === 404 || statusOf(err) === 409) return false
      throw mapDockerError(err, `image ${id}`)
    }
  }

  /** Images a prune keeps: those containers use, and those recent deployments ran. */
  private keptFromPrune(hostId: string, containers: Dockerode.ContainerInfo[]): Set<string> {
    return new Set([...containers.map((c) => c.ImageID), ...this.protectedImages(hostId).keys()])
  }

  private async usersOf(docker: Dockerode, imageId: string): Promise<ResourceUser[]> {
    const { Id } = await docker.getImage(imageId).inspect()
    return (await listAllContainers(docker)).filter((c) => c.ImageID === Id).map(toUser)
  }

  private async listImages(docker: Dockerode, all: boolean): Promise<(ListedImage & { Created: number })[]> {
    try {
      return (await docker.listImages({ all })) as (ListedImage & { Created: number })[]
    } catch (err) {
      throw mapDockerError(err, 'images')
    }
  }

  private docker(hostId: string): Promise<Dockerode> {
    return this.connections.get(hostId).docker()
  }
}
