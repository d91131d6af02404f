import type Dockerode from 'dockerode'
import { LABELS, projectNetworkName, serviceContainerName } from '../../../src-preload/contract/projects'
import type { ProjectStore } from '../projects/project-store'
import type { CertificateSource, RouteRecord, ServingCertificate } from '../shared/proxy-ports'
import type { ProxyModel, ServerModel } from './nginx-config'

/** A running container as the engine lists it. */
export interface RunningContainer {
  Id: string
  Names: string[]
  Created: number
  Labels?: Record<string, string>
}

/**
 * The container a service's routes go to, among the service's own (labelled for it, or the container an adoption
 * took over): the pinned one (a deploy switching traffic) if it runs; else the one with the canonical name
 * `<project>-<service>`; else the newest; else none. A container that merely took the canonical name, or any
 * other container on a network the proxy shares, never gets the traffic. Answers the full id.
 */
export function chooseUpstream(
  running: RunningContainer[],
  o: { serviceId: string; canonicalName: string; pinned?: string; adopted?: string | null },
): string | null {
  const own = running.filter((c) => c.Labels?.[LABELS.service] === o.serviceId || c.Id === o.adopted)
  if (o.pinned && own.some((c) => c.Id === o.pinned)) return o.pinned
  const named = own.find((c) => c.Names.some((n) => n.replace(/^\//, '') === o.canonicalName))
  if (named) return named.Id
  const newest = [...own].sort((a, b) => b.Created - a.Created || (a.Id < b.Id ? -1 : 1))
  return newest[0]?.Id ?? null
}

export interface BuiltModel {
  model: ProxyModel
  certs: ServingCertificate[]
}

/** Routes → the renderer's model, with each service's upstream looked up on the engine and certificates asked for. */
export async function buildModel(
  docker: Dockerode,
  routes: RouteRecord[],
  o: {
    projects: ProjectStore
    pins: ReadonlyMap<string, string>
    certificates: CertificateSource | null
    httpsPort: number
  },
): Promise<BuiltModel> {
  const running = routes.length > 0 ? ((await docker.listContainers()) as RunningContainer[]) : []
  const upstreams = new Map<string, string | null>()
  const certs = new Map<string, ServingCertificate | null>()
  const servers = new Map<string, ServerModel>()
  for (const route of routes) {
    if (!upstreams.has(route.serviceId)) {
      const service = o.projects.service(route.serviceId)
      const project = service && o.projects.project(service.projectId)
      const id =
        service && project
          ? chooseUpstream(running, {
              serviceId: service.id,
              canonicalName: serviceContainerName(project.name, service.name),
              pinned: o.pins.get(service.id),
              adopted: service.origin === 'adopted' ? service.containerId : null,
            })
          : null
      upstreams.set(route.serviceId, id && id.slice(0, 12))
    }
    if (route.tls && o.certificates && !certs.has(route.domain)) {
      certs.set(route.domain, await o.certificates.servingCertificate(route.domain))
    }
    const cert = certs.get(route.domain) ?? null
    let server = servers.get(route.domain)
    if (!server) servers.set(route.domain, (server = { domain: route.domain, tls: null, locations: [] }))
    if (route.tls && cert) server.tls = { serial: cert.serial }
    server.locations.push({
      routeId: route.id,
      path: route.path,
      port: route.port,
      upstream: upstreams.get(route.serviceId) ?? null,
      tls: route.tls,
    })
  }
  const served = [...servers.values()].filter((s) => s.tls).map((s) => certs.get(s.domain)!)
  return { model: { httpsPort: o.httpsPort, servers: [...servers.values()] }, certs: served }
}

/** The project networks of a host, which the proxy joins to reach the services. */
export function projectNetworks(projects: ProjectStore, hostId: string): string[] {
  return projects.projects(hostId).map((p) => projectNetworkName(p.name))
}
