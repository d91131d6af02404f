import type { ContainerSummary, ContainersChanged } from '../../../../src-preload/contract/containers'

/** Applies one `containers.changed` push: replace on reset, else upsert by id and drop removed ids. Order is kept. */
export function applyContainersChanged(list: ContainerSummary[], change: ContainersChanged): ContainerSummary[] {
  if (change.reset) return change.upserted
  if (change.upserted.length === 0 && change.removed.length === 0) return list
  const removed = new Set(change.removed)
  const fresh = new Map(change.upserted.map((container) => [container.id, container]))
  const next: ContainerSummary[] = []
  for (const container of list) {
    if (removed.has(container.id)) continue
    const updated = fresh.get(container.id)
    if (updated) fresh.delete(container.id)
    next.push(updated ?? container)
  }
  for (const added of fresh.values()) if (!removed.has(added.id)) next.push(added)
  return next
}
