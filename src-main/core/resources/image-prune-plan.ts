import type { PruneItem } from '../../../src-preload/contract/resources'
import { labelsMatch } from './resource-support'

/** The fields of `GET /images/json?all=1` the plan needs. */
export interface ListedImage {
  Id: string
  ParentId?: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  Size: number
  Labels?: Record<string, string> | null
}

/** Engines before API 1.43 fill untagged images with these placeholders instead of empty lists. */
export const realTags = (image: ListedImage): string[] => (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>')
export const realDigests = (image: ListedImage): string[] =>
  (image.RepoDigests ?? []).filter((d) => d !== '<none>@<none>')

export interface ImagePruneOptions {
  all: boolean
  labels?: string[]
}

/**
 * Which images `POST /images/prune` will delete, decided as the engine decides (moby `ImagesPrune` and
 * `ImageDelete` with prune=true), because the engine has no dry run:
 * - candidates: without `all`, untagged images with no children ("dangling"); with `all`, every image that has
 *   a reference or no children. Label filters apply to candidates only.
 * - a candidate goes only if no container (in any state) uses it and all its children go first;
 * - deleting an image also deletes its parent when that parent has no reference, no container and no other
 *   child left (intermediate layers of a classic build), whatever the label filters say.
 * `images` must be the `all=1` list so intermediate parents are known.
 */
export function imagePrunePlan(
  images: ListedImage[],
  usedImageIds: Set<string>,
  options: ImagePruneOptions,
): ListedImage[] {
  const byId = new Map(images.map((image) => [image.Id, image]))
  const children = new Map<string, string[]>()
  for (const image of images) {
    if (image.ParentId && byId.has(image.ParentId)) {
      const list = children.get(image.ParentId)
      if (list) list.push(image.Id)
      else children.set(image.ParentId, [image.Id])
    }
  }
  const isCandidate = (image: ListedImage): boolean => {
    const hasChildren = (children.get(image.Id) ?? []).length > 0
    const tagged = realTags(image).length > 0
    const referenced = tagged || realDigests(image).length > 0
    const eligible = options.all ? referenced || !hasChildren : !tagged && !hasChildren
    return eligible && labelsMatch(image.Labels, options.labels)
  }
  const memo = new Map<string, boolean>()
  const goes = (image: ListedImage): boolean => {
    const known = memo.get(image.Id)
    if (known !== undefined) return known
    memo.set(image.Id, false) // a parent cycle cannot happen in the engine's store; never recurse forever anyway
    const kids = (children.get(image.Id) ?? []).map((id) => byId.get(id)!)
    let result = !usedImageIds.has(image.Id) && kids.every(goes)
    if (result && !isCandidate(image)) {
      // Reached only as the parent of deleted children: the engine removes it if nothing refers to it.
      const referenced = realTags(image).length > 0 || realDigests(image).length > 0
      result = kids.length > 0 && !referenced
    }
    memo.set(image.Id, result)
    return result
  }
  return images.filter(goes)
}

/**
 * Preview rows and the space they free. An image's `Size` includes its parents' layers, so each image counts
 * only what it adds to its parent; layers shared with images that stay are still counted, so the total is
 * an upper bound of what the engine will report as reclaimed.
 */
export function toPreview(images: ListedImage[], all: ListedImage[]): { items: PruneItem[]; spaceBytes: number } {
  const sizeOf = new Map(all.map((image) => [image.Id, image.Size]))
  let spaceBytes = 0
  const items = images.map((image) => {
    const parentSize = image.ParentId ? (sizeOf.get(image.ParentId) ?? 0) : 0
    spaceBytes += Math.max(0, image.Size - parentSize)
    const label =
      realTags(image)[0] ?? realDigests(image)[0] ?? `<none> ${image.Id.replace(/^sha256:/, '').slice(0, 12)}`
    return { id: image.Id, label, sizeBytes: image.Size }
  })
  return { items, spaceBytes }
}
