import type { z } from 'zod'
import type {
  CreateRouteInput,
  ListRoutesInput,
  PreviewProxyInput,
  ProxyPreview,
  RouteSummary,
} from '../../../src-preload/contract/routes'
import type { Logger } from '../../infra/logging/logger'
import type { EventBus } from '../events/event-bus'
import type { ProjectStore } from '../projects'
import { AppError } from '../shared/app-error'
import { newId } from '../shared/ids'
import { KeyedQueue } from '../shared/keyed-queue'
import type { CertificateOrders, ProxyControl, ProxySettingsSource, RouteRecord } from '../shared/proxy-ports'
import { routeSummary, type CertificateWindow } from './route-summary'
import { routeTaken, type RouteRow, type RouteStore } from './route-store'

type ParsedCreate = z.output<typeof CreateRouteInput>
type ParsedList = z.output<typeof ListRoutesInput>
type ParsedPreview = z.output<typeof PreviewProxyInput>

export interface RouteServiceDeps {
  store: RouteStore
  projects: Pick<ProjectStore, 'service' | 'project'>
  proxy: Pick<ProxyControl, 'apply' | 'preview'>
  certs: CertificateOrders
  /** The certificates' validity windows, for each route's address (the certs domain's list). */
  certificates: () => CertificateWindow[]
  hosts: ProxySettingsSource
  events: EventBus
  logger: Logger
  now?: () => Date
}

/**
 * Routes: a domain and path on the proxy of the service's host, to one of its container ports. The store and the
 * proxy never disagree for long: a route nginx refuses is taken out again before the error is answered, and a
 * removal nginx refuses is put back, so what is listed is what the last good configuration serves.
 */
export class RouteService {
  /** Per host: a change and its undo are not interleaved with another change's (each undoes only its own). */
  private readonly changes = new KeyedQueue()

  constructor(private readonly deps: RouteServiceDeps) {}

  list(filter: ParsedList = {}): RouteSummary[] {
    return this.summaries(this.deps.store.list(filter))
  }

  get(id: string): RouteSummary {
    return this.summaries([this.row(id)])[0]!
  }

  async create(input: ParsedCreate): Promise<RouteSummary> {
    const { hostId, projectId } = this.placeOfService(input.serviceId, 'serviceId')
    return this.changes.run(hostId, () => this.createOn(hostId, projectId, input))
  }

  private async createOn(hostId: string, projectId: string, input: ParsedCreate): Promise<RouteSummary> {
    const { store, proxy } = this.deps
    if (store.find(hostId, input.domain, input.path)) throw routeTaken(input.domain, input.path)
    const record: RouteRecord = {
      id: newId(),
      hostId,
      projectId,
      serviceId: input.serviceId,
      domain: input.domain,
      path: input.path,
      port: input.port,
      tls: input.tls,
      createdAt: this.now().toISOString(),
    }
    store.insert(record)
    try {
      await proxy.apply(hostId)
    } catch (err) {
      // The proxy put its previous configuration back; the route it could not serve goes too.
      store.delete(record.id)
      throw err
    } finally {
      // After a refusal too: a view may have listed the row while nginx was checking the configuration.
      this.deps.events.emit('routes.changed', { hostId })
    }
    if (input.tls) this.orderCertificate(input.domain)
    return this.get(record.id)
  }

  async remove(id: string): Promise<void> {
    const { hostId } = this.row(id)
    await this.changes.run(hostId, () => this.removeOn(id))
  }

  private async removeOn(id: string): Promise<void> {
    const { store, proxy } = this.deps
    // Read again in the queue: a removal queued behind another of the same route finds it gone (not_found).
    const row = this.row(id)
    store.delete(id)
    try {
      await proxy.apply(row.hostId)
    } catch (err) {
      // nginx still serves the route (its previous files came back): so does the store.
      try {
        store.insert(row)
      } catch (restoreErr) {
        // Only a service removed meanwhile (its routes go with it) makes the row impossible to put back.
        this.deps.logger.warn({ err: restoreErr, routeId: id }, 'a route whose removal failed could not be restored')
      }
      throw err
    } finally {
      this.deps.events.emit('routes.changed', { hostId: row.hostId })
    }
  }

  /** "Test config": the host's configuration with one route more or less, `nginx -t` on it, nothing applied. */
  async preview(input: ParsedPreview): Promise<ProxyPreview> {
    const { hostId } = input
    // A host that does not exist answers not_found here, not after a render.
    this.deps.hosts.proxySettings(hostId)
    let add: RouteRecord | undefined
    if (input.add) {
      const place = this.placeOfService(input.add.serviceId, 'add.serviceId')
      if (place.hostId !== hostId) {
        throw new AppError('validation', 'The service runs on another host than this proxy', 'add.serviceId')
      }
      if (this.deps.store.find(hostId, input.add.domain, input.add.path)) {
        throw new AppError('conflict', routeTaken(input.add.domain, input.add.path).message, 'add.domain')
      }
      add = {
        id: 'preview',
        hostId,
        projectId: place.projectId,
        serviceId: input.add.serviceId,
        domain: input.add.domain,
        path: input.add.path,
        port: input.add.port,
        tls: input.add.tls,
        createdAt: this.now().toISOString(),
      }
    }
    if (input.removeRouteId !== undefined) {
      const route = this.deps.store.get(input.removeRouteId)
      if (!route || route.hostId !== hostId) {
        throw new AppError('not_found', `No route with id ${input.removeRouteId} on this host`, 'removeRouteId')
      }
    }
    return this.deps.proxy.preview(hostId, { add, removeRouteId: input.removeRouteId })
  }

  private orderCertificate(domain: string): void {
    try {
      this.deps.certs.ensureCertificate(domain)
    } catch (err) {
      // The route serves over HTTP already; `POST /v1/certs/issue` (or the scheduler) orders the certificate later.
      this.deps.logger.warn({ err, domain }, 'ordering a certificate for a new route failed')
    }
  }

  /** The service's project and that project's host (a project never changes host, so neither does a route). */
  private placeOfService(serviceId: string, field: string): { hostId: string; projectId: string } {
    const service = this.deps.projects.service(serviceId)
    const project = service && this.deps.projects.project(service.projectId)
    if (!project) throw new AppError('not_found', `No service with id ${serviceId}`, field)
    return { hostId: project.hostId, projectId: project.id }
  }

  private row(id: string): RouteRow {
    const row = this.deps.store.get(id)
    if (!row) throw new AppError('not_found', `No route with id ${id}`, 'id')
    return row
  }

  private summaries(rows: RouteRow[]): RouteSummary[] {
    if (rows.length === 0) return []
    const now = this.now()
    const certs = new Map(this.deps.certificates().map((cert) => [cert.domain, cert]))
    const settings = new Map<string, ReturnType<ProxySettingsSource['proxySettings']>>()
    return rows.map((row) => {
      let proxy = settings.get(row.hostId)
      if (!proxy) settings.set(row.hostId, (proxy = this.deps.hosts.proxySettings(row.hostId)))
      return routeSummary(row, proxy, certs.get(row.domain), now)
    })
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date()
  }
}
