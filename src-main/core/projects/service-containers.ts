import type Dockerode from 'dockerode'
import { LABELS } from '../../../src-preload/contract/projects'
import type { ServiceRecord } from './project-store'
import type { ContainerRow } from './service-status'

/**
 * Each service's containers, by our `io.glinrdock.service` label, never by a name pattern; plus, for an adopted
 * service, the container it took over (created without our labels), by the id glinrdock recorded. One list call
 * for all labelled containers, and one for the adopted ones.
 */
export async function listServiceContainers(
  docker: Dockerode,
  services: ServiceRecord[],
): Promise<Map<string, ContainerRow[]>> {
  const byId = new Map(services.filter((s) => s.containerId).map((s) => [s.containerId!, s.id]))
  const wanted = new Set(services.map((s) => s.id))
  const labelFilter = services.length === 1 ? [`${LABELS.service}=${services[0]!.id}`] : [LABELS.service]
  const lists = [docker.listContainers({ all: true, filters: { label: labelFilter } })]
  const adopted = services.filter((s) => s.origin === 'adopted' && s.containerId).map((s) => s.containerId!)
  if (adopted.length > 0) lists.push(docker.listContainers({ all: true, filters: { id: adopted } }))
  const rows = (await Promise.all(lists)).flat() as ContainerRow[]
  const owned = new Map<string, ContainerRow[]>()
  const seen = new Set<string>()
  for (const row of rows) {
    const owner = row.Labels?.[LABELS.service] ?? byId.get(row.Id)
    if (!owner || !wanted.has(owner) || seen.has(row.Id)) continue
    seen.add(row.Id)
    owned.set(owner, [...(owned.get(owner) ?? []), row])
  }
  return owned
}
