import type {
  ImageSummary,
  NetworkSummary,
  ResourceKind,
  VolumeSummary,
} from '../../../../src-preload/contract/resources'
import type { ResourceItems } from './resources-store'

/** One row of the images, volumes or networks table, the same shape for all three. */
export interface ResourceRow {
  /** What the contract addresses it by: image id, volume name, network id. */
  id: string
  name: string
  /** A second line under the name: other tags, the driver. */
  detail: string | null
  shortId: string | null
  sizeBytes: number | null
  createdAt: string | null
  users: { id: string; name: string }[]
  /** Why it cannot be removed at all (a built-in network), or null. */
  fixed: string | null
  /** Image-only: untagged. */
  dangling: boolean
  /** Image-only: `<project>/<service>` whose recent deployment keeps it for a rollback (no prune removes it). */
  protectedBy: string | null
}

const imageRow = (image: ImageSummary): ResourceRow => ({
  id: image.id,
  name: image.repoTags[0] ?? '<none>',
  detail: image.repoTags.length > 1 ? `+ ${image.repoTags.slice(1).join(', ')}` : null,
  shortId: image.shortId,
  sizeBytes: image.sizeBytes,
  createdAt: image.createdAt,
  users: image.containers,
  fixed: null,
  dangling: image.dangling,
  protectedBy: image.protectedBy ?? null,
})

const volumeRow = (volume: VolumeSummary): ResourceRow => ({
  id: volume.name,
  name: volume.name,
  detail: volume.driver === 'local' ? null : volume.driver,
  shortId: null,
  sizeBytes: volume.sizeBytes,
  createdAt: volume.createdAt,
  users: volume.containers,
  fixed: null,
  dangling: false,
  protectedBy: null,
})

const networkRow = (network: NetworkSummary): ResourceRow => ({
  id: network.id,
  name: network.name,
  detail: `${network.driver} · ${network.scope}${network.internal ? ' · internal' : ''}`,
  shortId: network.shortId,
  sizeBytes: null,
  createdAt: network.createdAt,
  users: network.containers,
  fixed: network.builtin ? 'Docker’s own network: it cannot be removed' : null,
  dangling: false,
  protectedBy: null,
})

export function toRows(kind: ResourceKind, list: ResourceItems[ResourceKind][]): ResourceRow[] {
  if (kind === 'image') return (list as ImageSummary[]).map(imageRow)
  if (kind === 'volume') return (list as VolumeSummary[]).map(volumeRow)
  return (list as NetworkSummary[]).map(networkRow)
}

/** Case-insensitive substring of the name, id or a user's name; `unused` / `in-use` / `dangling` as words. */
export function matchesResourceFilter(row: ResourceRow, filter: string): boolean {
  return filter
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => {
      if (term === 'unused') return row.users.length === 0
      if (term === 'in-use') return row.users.length > 0
      if (term === 'dangling') return row.dangling
      return (
        row.name.toLowerCase().includes(term) ||
        row.id
          .toLowerCase()
          .replace(/^sha256:/, '')
          .startsWith(term) ||
        row.users.some((user) => user.name.toLowerCase().includes(term))
      )
    })
}
