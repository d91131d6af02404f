import { z } from 'zod'
import { EntityId, ImageRef, LabelFilter, NetworkRef, VolumeName } from './grammar'

/** A container that uses an image, volume or network, in any state: what blocks a remove or keeps it from a prune. */
export const ResourceUser = z.object({ id: z.string(), name: z.string() })
export type ResourceUser = z.infer<typeof ResourceUser>

export const ImageSummary = z.object({
  id: z.string(),
  /** 12 hex characters without `sha256:`, as `docker images` shows it. */
  shortId: z.string(),
  repoTags: z.array(z.string()),
  repoDigests: z.array(z.string()),
  sizeBytes: z.number(),
  createdAt: z.string(),
  /** No tag: what `docker image prune` (without `-a`) removes once no container uses it. */
  dangling: z.boolean(),
  containers: z.array(ResourceUser),
  /**
   * `<project>/<service>` when the image is one of that service's last successful deployments: no prune in
   * glinrdock removes it, and removing it by hand needs `force`.
   */
  protectedBy: z.string().nullable().optional(),
})
export type ImageSummary = z.infer<typeof ImageSummary>

export const VolumeSummary = z.object({
  name: z.string(),
  driver: z.string(),
  mountpoint: z.string(),
  createdAt: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  /** Null when the engine could not report it cheaply (API < 1.42) or did not measure it (non-local drivers). */
  sizeBytes: z.number().nullable(),
  containers: z.array(ResourceUser),
})
export type VolumeSummary = z.infer<typeof VolumeSummary>

export const NetworkSummary = z.object({
  id: z.string(),
  shortId: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  internal: z.boolean(),
  createdAt: z.string(),
  /** `bridge`, `host` and `none`: created by the engine, never removable. */
  builtin: z.boolean(),
  containers: z.array(ResourceUser),
})
export type NetworkSummary = z.infer<typeof NetworkSummary>

/**
 * Optional label filters (all must match), passed to the engine's prune as `label=` filters and applied to the
 * preview the same way. They let a caller (and the tests, on a shared engine) prune only what it labelled.
 */
const Labels = z.array(LabelFilter).max(16).optional()

export const ImageTarget = z.object({ hostId: EntityId, imageId: ImageRef }).strict()
/** Pull `reference` onto the host, as a job (with the stored login for its registry, if any). */
export const PullImageInput = z.object({ hostId: EntityId, reference: ImageRef }).strict()
export const JobStarted = z.object({ jobId: z.string() })
export const RemoveImageInput = ImageTarget.extend({ force: z.boolean().optional() }).strict()
/** `all`: every image no container uses (`docker image prune -a`); otherwise dangling images only. */
export const ImagePruneInput = z.object({ hostId: EntityId, all: z.boolean().optional(), labels: Labels }).strict()

export const VolumeTarget = z.object({ hostId: EntityId, name: VolumeName }).strict()
export const RemoveVolumeInput = VolumeTarget.extend({ force: z.boolean().optional() }).strict()
/**
 * `all`: named volumes too (API ≥ 1.42 prunes only anonymous volumes by default). Older engines always prune
 * every unused local volume and ignore the distinction; the preview says so by listing them.
 */
export const VolumePruneInput = z.object({ hostId: EntityId, all: z.boolean().optional(), labels: Labels }).strict()

export const NetworkTarget = z.object({ hostId: EntityId, networkId: NetworkRef }).strict()
export const NetworkPruneInput = z.object({ hostId: EntityId, labels: Labels }).strict()

export const PruneItem = z.object({
  /** Image id, volume name or network id: the same values `removed` holds after the prune. */
  id: z.string(),
  /** What a person recognises: the first tag, the volume name, the network name. */
  label: z.string(),
  sizeBytes: z.number(),
})
export type PruneItem = z.infer<typeof PruneItem>

export const PrunePreview = z.object({ items: z.array(PruneItem), spaceBytes: z.number() })
export type PrunePreview = z.infer<typeof PrunePreview>

export const PruneResult = z.object({ removed: z.array(z.string()), spaceReclaimedBytes: z.number() })
export type PruneResult = z.infer<typeof PruneResult>

export const RESOURCE_KINDS = ['image', 'volume', 'network'] as const
export const ResourceKind = z.enum(RESOURCE_KINDS)
export type ResourceKind = z.infer<typeof ResourceKind>

/** Something of that kind changed on that host: refetch its list. */
export const ResourcesChanged = z.object({ hostId: z.string(), kind: ResourceKind })
export type ResourcesChanged = z.infer<typeof ResourcesChanged>
