import type Dockerode from 'dockerode'
import type { ImageSummary, PrunePreview, PruneResult, ResourceUser } from '../../../src-preload/contract/resources'
import { mapDockerError } from '../../infra/docker'
import type { HostConnections } from '../hosts/host-connections'
import { imagePrunePlan, realDigests, realTags, toPreview, type ListedImage } from './image-prune-plan'
import { inUseError, listAllContainers, pruneFilters, statusOf, toUser, usersBy } from './resource-support'

export interface PruneQuery {
  all?: boolean
  labels?: string[]
}

const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12)

/** Images on one host's engine, with the containers that hold each one. */
export class ImageService {
  constructor(private readonly connections: HostConnections) {}

  async list(hostId: string): Promise<ImageSummary[]> {
    const docker = await this.docker(hostId)
    const [images, containers] = await Promise.all([this.listImages(docker, false), listAllContainers(docker)])
    const users = usersBy(containers, (c) => [c.ImageID])
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
    const used = new Set(containers.map((c) => c.ImageID))
    const plan = imagePrunePlan(images, used, { all: query.all ?? false, labels: query.labels })
    return toPreview(plan, images)
  }

  async prune(hostId: string, query: PruneQuery): Promise<PruneResult> {
    const docker = await this.docker(hostId)
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
