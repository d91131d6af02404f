import type { ProjectsChanged, ServiceSummary } from '../../../../src-preload/contract/projects'

/**
 * A `projects.changed` push applied to a project's service list: the new summary replaces (or adds) its row,
 * a null summary removes it. Answers null when the push does not say what changed and the list must be
 * fetched again.
 */
export function applyServiceChange(list: ServiceSummary[], change: ProjectsChanged): ServiceSummary[] | null {
  if (change.serviceId === undefined || change.service === undefined) return null
  if (change.service === null) return list.filter((s) => s.id !== change.serviceId)
  const service = change.service
  const index = list.findIndex((s) => s.id === service.id)
  if (index < 0) return [...list, service].sort(byName)
  const next = list.slice()
  next[index] = service
  return next
}

export const byName = (a: { spec: { name: string } }, b: { spec: { name: string } }): number =>
  a.spec.name.localeCompare(b.spec.name)

/** Merges summaries a request answered with (adopt, create) into the list, by id. */
export function upsertServices(list: ServiceSummary[], services: ServiceSummary[]): ServiceSummary[] {
  const byId = new Map(list.map((s) => [s.id, s]))
  for (const service of services) byId.set(service.id, service)
  return [...byId.values()].sort(byName)
}
