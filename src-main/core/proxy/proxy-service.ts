import { randomBytes } from 'node:crypto'
import type Dockerode from 'dockerode'
import type { ProxyPreview, ProxyState } from '../../../src-preload/contract/routes'
import type { Logger } from '../../infra/logging/logger'
import type { EventBus } from '../events/event-bus'
import type { HostConnections } from '../hosts/host-connections'
import type { ProjectStore } from '../projects/project-store'
import { AppError, isAppError } from '../shared/app-error'
import { KeyedQueue } from '../shared/keyed-queue'
import type {
  ApplyOptions,
  CertificateSource,
  ProxyControl,
  ProxySettingsSource,
  RouteRecord,
  RouteSource,
} from '../shared/proxy-ports'
import { CONF_DIR, UnsafeTokenError, renderConfig } from './nginx-config'
import {
  connectNetworks,
  disconnectNetwork,
  ensureProxyContainer,
  ensureProxyImage,
  inspectProxy,
  matchesSettings,
  PROXY_LABEL,
} from './proxy-container'
import { scratchTest } from './scratch-test'
import { ACCESS_LOG_CHECK_MS, rotateAccessLogs } from './access-logs'
import { putFiles } from './proxy-files'
import { buildModel, projectNetworks } from './proxy-model'
import type { ProxyStore } from './proxy-store'
import {
  CHALLENGE_TOKEN,
  previewTest,
  putChallengeFile,
  removeChallengeFile,
  safeApply,
  seedFiles,
  waitForHash,
} from './safe-apply'

export interface ProxyServiceDeps {
  store: ProxyStore
  connections: HostConnections
  settings: ProxySettingsSource
  routes: RouteSource
  projects: ProjectStore
  events: EventBus
  logger: Logger
  /** Default `glinrdock-proxy`; names its network and volumes too. */
  containerName?: string
  /** HostIp of the published ports; '' (all addresses) by default. */
  bindAddress?: string
  pullImage?: (hostId: string, ref: string, signal?: AbortSignal) => Promise<void>
  /** Defaults ACCESS_LOG_CAP_BYTES and ACCESS_LOG_CHECK_MS (access-logs.ts). */
  accessLogCapBytes?: number
  accessLogCheckMs?: number
}

const DEBOUNCE_MS = 300
const KEY_AUTHORIZATION = /^[A-Za-z0-9_.-]{1,1024}$/

/** Each host's nginx proxy: rendered from its routes, applied so that nginx never serves a broken configuration. */
export class ProxyService implements ProxyControl {
  private readonly name: string
  private readonly bindAddress: string
  private certificates: CertificateSource | null = null
  /** serviceId → full container id a deploy switched traffic to. */
  private readonly pins = new Map<string, string>()
  private readonly queue = new KeyedQueue()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly stops: (() => void)[] = []
  /** The render nginx last refused, per host: the background path does not offer it again unchanged. */
  private readonly refused = new Map<string, string>()
  private disposed = false

  constructor(private readonly deps: ProxyServiceDeps) {
    this.name = deps.containerName ?? 'glinrdock-proxy'
    this.bindAddress = deps.bindAddress ?? ''
  }

  connectCertificates(source: CertificateSource): void {
    this.certificates = source
  }

  /** Keeps upstreams current when containers change outside a deploy (recreated, started, removed). */
  start(): void {
    const logChecks = setInterval(() => {
      for (const connection of this.deps.connections.all()) {
        if (connection.state !== 'connected') continue
        this.rotateLogs(connection.host.id).catch((err: unknown) =>
          this.deps.logger.warn({ hostId: connection.host.id, err: String(err) }, 'access logs not rotated'),
        )
      }
    }, this.deps.accessLogCheckMs ?? ACCESS_LOG_CHECK_MS)
    logChecks.unref()
    this.stops.push(
      () => clearInterval(logChecks),
      this.deps.events.on('containers.changed', ({ hostId }) => this.schedule(hostId)),
      // An edited host may have new proxy settings (image, ports): the proxy is recreated to match.
      this.deps.events.on('hosts.changed', ({ hostId, host }) => {
        if (host?.state === 'connected') this.schedule(hostId)
      }),
      this.deps.events.on('projects.changed', ({ projectId }) => {
        const hostId = this.deps.projects.project(projectId)?.hostId
        if (hostId) this.schedule(hostId)
        // A removed project is gone from the store: any host may have lost a route's service.
        else for (const connection of this.deps.connections.all()) this.schedule(connection.host.id)
      }),
    )
  }

  dispose(): void {
    this.disposed = true
    for (const stop of this.stops.splice(0)) stop()
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }

  /** Moves each route's access log past its cap to `.1` (see rotateAccessLogs); answers those routes' ids. */
  rotateLogs(hostId: string): Promise<string[]> {
    return this.serial(hostId, async () => {
      const docker = await this.docker(hostId)
      const info = await inspectProxy(docker, this.name)
      if (!info?.State.Running) return []
      const routeIds = this.deps.routes.routesForHost(hostId).map((route) => route.id)
      return rotateAccessLogs(docker.getContainer(info.Id), routeIds, this.deps.accessLogCapBytes)
    })
  }

  async apply(hostId: string, options: ApplyOptions = {}): Promise<ProxyState> {
    await this.applyAndAnnounce(hostId, options)
    return this.state(hostId)
  }

  /** The apply without reading the state back: a deploy's switch waits for nginx, not for one more inspect. */
  private applyAndAnnounce(hostId: string, options: ApplyOptions): Promise<void> {
    return this.serial(hostId, async () => {
      try {
        await this.applyNow(hostId, options, false)
      } finally {
        this.deps.events.emit('proxy.changed', { hostId })
      }
    })
  }

  preview(hostId: string, change: { add?: RouteRecord; removeRouteId?: string }): Promise<ProxyPreview> {
    return this.serial(hostId, async () => {
      const routes = this.deps.routes.routesForHost(hostId).filter((r) => r.id !== change.removeRouteId)
      if (change.add) routes.push(change.add)
      const docker = await this.docker(hostId)
      const { rendered, certs } = await this.render(hostId, docker, routes)
      const settings = this.deps.settings.proxySettings(hostId)
      const current = await inspectProxy(docker, this.name)
      const preview = { config: rendered.text, hash: rendered.hash }
      if (current?.State.Running && matchesSettings(current, { hostId, bindAddress: this.bindAddress, settings })) {
        const container = docker.getContainer(current.Id)
        const test = await previewTest(container, rendered, certs, `preview-${randomBytes(8).toString('hex')}`)
        const live = this.deps.store.get(hostId)
        return { ...preview, test, unchanged: live?.containerId === current.Id && live.configHash === rendered.hash }
      }
      // No proxy yet, or one its settings will replace: tested aside, so a preview creates and binds nothing.
      await ensureProxyImage(docker, { hostId, settings, pullImage: this.deps.pullImage })
      const labels = { [PROXY_LABEL]: hostId }
      const test = await scratchTest(docker, { image: settings.image, name: this.name, labels }, rendered, certs)
      return { ...preview, test, unchanged: false }
    })
  }

  async state(hostId: string): Promise<ProxyState> {
    const connection = this.deps.connections.get(hostId)
    const settings = this.deps.settings.proxySettings(hostId)
    const record = this.deps.store.get(hostId)
    const base = {
      hostId,
      settings,
      containerId: record?.containerId ?? null,
      configHash: record?.configHash ?? null,
      lastReloadAt: record?.lastReloadAt ?? null,
      lastError: record?.lastError ?? null,
      routes: this.deps.routes.routesForHost(hostId).length,
    }
    let info: Dockerode.ContainerInspectInfo | null
    try {
      info = await inspectProxy(await connection.docker(5_000), this.name)
    } catch (err) {
      const message = isAppError(err) ? err.message : 'The engine could not be asked'
      return { ...base, status: 'error', lastError: base.lastError ?? { message, at: new Date().toISOString() } }
    }
    if (!info) return { ...base, status: 'absent', containerId: null }
    const status = base.lastError ? 'error' : info.State.Running ? 'running' : 'stopped'
    return { ...base, status, containerId: info.Id }
  }

  async pinUpstream(serviceId: string, containerId: string, options: ApplyOptions = {}): Promise<{ release(): void }> {
    const hostId = this.hostOfService(serviceId)
    const docker = await this.docker(hostId)
    let info: Dockerode.ContainerInspectInfo
    try {
      info = await docker.getContainer(containerId).inspect()
    } catch {
      throw new AppError('not_found', `No container ${containerId} on this host`)
    }
    if (!info.State.Running) throw new AppError('conflict', `Container ${containerId} is not running`)
    this.pins.set(serviceId, info.Id)
    try {
      await this.applyAndAnnounce(hostId, options)
    } catch (err) {
      if (this.pins.get(serviceId) === info.Id) this.pins.delete(serviceId)
      throw err
    }
    return {
      release: () => {
        if (this.pins.get(serviceId) !== info.Id) return
        this.pins.delete(serviceId)
        this.schedule(hostId)
      },
    }
  }

  hasRoutes(serviceId: string): boolean {
    const service = this.deps.projects.service(serviceId)
    const hostId = service && this.deps.projects.project(service.projectId)?.hostId
    return hostId !== undefined && this.deps.routes.routesForHost(hostId).some((r) => r.serviceId === serviceId)
  }

  async putChallenge(hostIds: string[], token: string, keyAuthorization: string): Promise<void> {
    if (!CHALLENGE_TOKEN.test(token)) throw new AppError('validation', 'Not an ACME challenge token', 'token')
    if (!KEY_AUTHORIZATION.test(keyAuthorization)) throw new AppError('validation', 'Not a key authorization')
    for (const hostId of hostIds) {
      await this.serial(hostId, async () => {
        const { container } = await this.ensure(hostId, await this.docker(hostId))
        await putChallengeFile(container, token, keyAuthorization)
      })
    }
  }

  async removeChallenge(hostIds: string[], token: string): Promise<void> {
    if (!CHALLENGE_TOKEN.test(token)) throw new AppError('validation', 'Not an ACME challenge token', 'token')
    // Every host, even after one failed: a token left on one proxy is no reason to leave it on the others.
    let failure: unknown = null
    for (const hostId of hostIds) {
      await this.serial(hostId, async () => {
        const docker = await this.docker(hostId)
        if (await inspectProxy(docker, this.name)) await removeChallengeFile(docker.getContainer(this.name), token)
      }).catch((err: unknown) => (failure ??= err))
    }
    if (failure !== null) throw failure
  }

  async releaseNetwork(hostId: string, network: string): Promise<void> {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(network)) throw new AppError('validation', 'Not a network name')
    await this.serial(hostId, async () => disconnectNetwork(await this.docker(hostId), this.name, network))
  }

  // ---------------------------------------------------------------------------------------------------------

  /** One operation per host at a time: applies, previews and challenge writes touch the same files. */
  private serial<T>(hostId: string, run: () => Promise<T>): Promise<T> {
    return this.queue.run(hostId, run)
  }

  private docker(hostId: string): Promise<Dockerode> {
    return this.deps.connections.get(hostId).docker()
  }

  private hostOfService(serviceId: string): string {
    const service = this.deps.projects.service(serviceId)
    const project = service && this.deps.projects.project(service.projectId)
    if (!project) throw new AppError('not_found', `No service with id ${serviceId}`)
    return project.hostId
  }

  private async render(hostId: string, docker: Dockerode, routes: RouteRecord[]) {
    const { httpsPort } = this.deps.settings.proxySettings(hostId)
    const { model, certs } = await buildModel(docker, routes, {
      projects: this.deps.projects,
      pins: this.pins,
      certificates: this.certificates,
      httpsPort,
    })
    try {
      return { rendered: renderConfig(model), certs }
    } catch (err) {
      if (err instanceof UnsafeTokenError) throw new AppError('proxy_rejected', err.message)
      throw err
    }
  }

  /** The container, created with a known-good seed (no routes) and confirmed serving it, networks joined. */
  private async ensure(
    hostId: string,
    docker: Dockerode,
    signal?: AbortSignal,
    known?: Dockerode.ContainerInspectInfo | null,
  ) {
    const settings = this.deps.settings.proxySettings(hostId)
    // What a new container starts with: no routes, so it can only be right.
    const seed = renderConfig({ httpsPort: settings.httpsPort, servers: [] })
    const ensured = await ensureProxyContainer(
      docker,
      {
        hostId,
        name: this.name,
        bindAddress: this.bindAddress,
        settings,
        pullImage: this.deps.pullImage,
        signal,
        seed: (container) => putFiles(container, CONF_DIR, seedFiles(seed), signal),
        confirm: (container, expect) => waitForHash(container, expect === 'any' ? null : seed.hash, signal),
      },
      known,
    )
    if (ensured.created) this.deps.store.recordContainer(hostId, ensured.id, seed.hash)
    await connectNetworks(docker, ensured.id, projectNetworks(this.deps.projects, hostId), ensured.networks)
    return ensured
  }

  /** `onlyIfChanged`: the background path, which does nothing (not even an event) when the render is live. */
  private async applyNow(hostId: string, options: ApplyOptions, onlyIfChanged: boolean): Promise<boolean> {
    const log = options.log ?? (() => undefined)
    // An unknown host is the caller's mistake (not_found), not a state to record: it has no proxy_state row.
    this.deps.connections.get(hostId)
    try {
      const docker = await this.docker(hostId)
      const routes = this.deps.routes.routesForHost(hostId)
      const current = await inspectProxy(docker, this.name)
      // A host gets its proxy with its first route, not before (and keeps it, empty, after its last one went).
      if (routes.length === 0 && !current) return false
      const { rendered, certs } = await this.render(hostId, docker, routes)
      const live = this.deps.store.get(hostId)
      const unchanged =
        current?.State.Running &&
        matchesSettings(current, {
          hostId,
          bindAddress: this.bindAddress,
          settings: this.deps.settings.proxySettings(hostId),
        }) &&
        live?.containerId === current.Id &&
        live.configHash === rendered.hash
      if (onlyIfChanged && (unchanged || this.refused.get(hostId) === rendered.hash)) return false
      this.refused.delete(hostId)
      const { container, id } = await this.ensure(hostId, docker, options.signal, current)
      const after = this.deps.store.get(hostId)
      if (after?.containerId === id && after.configHash === rendered.hash) {
        if (after.lastError)
          this.deps.store.recordApplied(hostId, id, rendered.hash, after.lastReloadAt ?? new Date().toISOString())
        log('The proxy already serves this configuration')
        return true
      }
      try {
        await safeApply(container, rendered, certs, { signal: options.signal, log })
      } catch (err) {
        if (isAppError(err) && err.code === 'proxy_rejected') this.refused.set(hostId, rendered.hash)
        throw err
      }
      this.deps.store.recordApplied(hostId, id, rendered.hash, new Date().toISOString())
      return true
    } catch (err) {
      const message = isAppError(err) ? err.message : 'The proxy could not be updated'
      this.deps.store.recordError(hostId, message, new Date().toISOString())
      this.deps.logger.warn({ err, hostId }, 'proxy apply failed')
      throw err
    }
  }

  private schedule(hostId: string): void {
    if (this.disposed) return
    clearTimeout(this.timers.get(hostId))
    const timer = setTimeout(() => {
      this.timers.delete(hostId)
      if (this.disposed) return
      // With no route left, only a host that has a proxy: it must stop serving the domains of a project that went.
      if (this.deps.routes.routesForHost(hostId).length === 0 && !this.deps.store.get(hostId)?.containerId) return
      this.serial(hostId, async () => {
        try {
          if (await this.applyNow(hostId, {}, true)) this.deps.events.emit('proxy.changed', { hostId })
        } catch {
          // Recorded in the state by applyNow; a background re-apply has no caller to throw to.
          this.deps.events.emit('proxy.changed', { hostId })
        }
      }).catch(() => undefined)
    }, DEBOUNCE_MS)
    timer.unref?.()
    this.timers.set(hostId, timer)
  }
}
