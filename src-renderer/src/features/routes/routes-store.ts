import { create } from 'zustand'
import type {
  CertJobStarted,
  CertSummary,
  CreateRouteInput,
  ProxyPreview,
  ProxyState,
  RouteSummary,
} from '../../../../src-preload/contract/routes'
import { call, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { keyedDebounce } from '../../lib/keyed-debounce'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'
import { onReconnected } from '../connection/connection-store'

type Status = 'loading' | 'ready' | 'error'

interface ListState<T> {
  list: T[]
  status: Status
  error: ApiError | null
}

interface ProxyView {
  proxy: ProxyState | null
  status: Status
  error: ApiError | null
}

export const EMPTY_ROUTES: ListState<RouteSummary> = { list: [], status: 'loading', error: null }
export const EMPTY_PROXY: ProxyView = { proxy: null, status: 'loading', error: null }

/** A watched list: routes of one service (`service:<id>`) or of one host (`host:<id>`). */
export type RouteKey = `service:${string}` | `host:${string}`

interface RoutesStore {
  routes: Record<RouteKey, ListState<RouteSummary>>
  proxies: Record<string, ProxyView>
  certs: ListState<CertSummary>
  /** Keeps a service's or a host's routes current through `routes.changed` and `certs.changed`. */
  watchRoutes(key: RouteKey): () => void
  /** Keeps a host's proxy state current through `proxy.changed`. */
  watchProxy(hostId: string): () => void
  watchCerts(): () => void
  loadRoutes(key: RouteKey): Promise<void>
  loadProxy(hostId: string): Promise<void>
  loadCerts(): Promise<void>
  create(input: CreateRouteInput): Promise<RouteSummary>
  remove(route: RouteSummary): Promise<void>
  preview(hostId: string, add: CreateRouteInput): Promise<ProxyPreview>
  apply(hostId: string): Promise<ProxyState>
  issue(domain: string): Promise<CertJobStarted>
  renew(domain: string): Promise<CertJobStarted>
}

/** One refetch per burst of pushes (an apply sends routes, proxy and certs changes together). */
const REFRESH_DELAY_MS = 150

/**
 * Routes, the proxy of each host and the certificates. Pushes name only a host or a domain: the lists that may
 * hold it are refetched, so a view never assembles a row from partial pushes.
 */
export const useRoutesStore = create<RoutesStore>((set, get) => {
  const later = keyedDebounce(REFRESH_DELAY_MS)
  const watchedRoutes = new Set<RouteKey>()
  const watchedProxies = new Set<string>()
  let certsWatched = false

  const refreshRoutes = (hostId: string | null): void => {
    for (const key of watchedRoutes) {
      // A service's list is refetched on any push: the push names the host, not the service.
      if (hostId === null || key.startsWith('service:') || key === `host:${hostId}`)
        later(key, () => void get().loadRoutes(key))
    }
  }
  const watchEvents = sharedSubscriptions((_key: 'events') => {
    const stops = [
      subscribe('routes.changed', ({ hostId }) => {
        refreshRoutes(hostId)
        if (watchedProxies.has(hostId)) later(`proxy:${hostId}`, () => void get().loadProxy(hostId))
      }),
      subscribe('proxy.changed', ({ hostId }) => {
        if (watchedProxies.has(hostId)) later(`proxy:${hostId}`, () => void get().loadProxy(hostId))
      }),
      // The proxy's settings (image, ports) belong to the host: an edit of the host changes the proxy's state.
      subscribe('hosts.changed', ({ hostId }) => {
        if (watchedProxies.has(hostId)) later(`proxy:${hostId}`, () => void get().loadProxy(hostId))
      }),
      // A valid certificate turns a route's url to https.
      subscribe('certs.changed', () => {
        if (certsWatched) later('certs', () => void get().loadCerts())
        refreshRoutes(null)
      }),
    ]
    return () => stops.forEach((stop) => stop())
  })

  const watchOne = <K>(add: (key: K) => void, remove: (key: K) => void, load: (key: K) => Promise<void>) =>
    sharedSubscriptions((key: K) => {
      add(key)
      const stopEvents = watchEvents('events')
      const stopReconnect = onReconnected(() => void load(key))
      void load(key)
      return () => {
        remove(key)
        stopEvents()
        stopReconnect()
      }
    })
  const watchRouteList = watchOne<RouteKey>(
    (key) => watchedRoutes.add(key),
    (key) => watchedRoutes.delete(key),
    (key) => get().loadRoutes(key),
  )
  const watchProxyState = watchOne<string>(
    (hostId) => watchedProxies.add(hostId),
    (hostId) => watchedProxies.delete(hostId),
    (hostId) => get().loadProxy(hostId),
  )
  const watchCertList = watchOne<'certs'>(
    () => (certsWatched = true),
    () => (certsWatched = false),
    () => get().loadCerts(),
  )

  const patchRoutes = (key: RouteKey, next: Partial<ListState<RouteSummary>>): void => {
    const current = get().routes[key] ?? EMPTY_ROUTES
    set({ routes: { ...get().routes, [key]: { ...current, ...next } } })
  }
  const patchProxy = (hostId: string, next: Partial<ProxyView>): void => {
    const current = get().proxies[hostId] ?? EMPTY_PROXY
    set({ proxies: { ...get().proxies, [hostId]: { ...current, ...next } } })
  }

  return {
    routes: {},
    proxies: {},
    certs: { list: [], status: 'loading', error: null },
    watchRoutes: (key) => watchRouteList(key),
    watchProxy: (hostId) => watchProxyState(hostId),
    watchCerts: () => watchCertList('certs'),
    async loadRoutes(key) {
      if (get().routes[key]?.status !== 'ready') patchRoutes(key, { status: 'loading', error: null })
      const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)]
      try {
        const list = await call('routes.list', kind === 'host' ? { hostId: id } : { serviceId: id })
        patchRoutes(key, { list, status: 'ready', error: null })
      } catch (err) {
        patchRoutes(key, { status: 'error', error: err as ApiError })
      }
    },
    async loadProxy(hostId) {
      if (get().proxies[hostId]?.status !== 'ready') patchProxy(hostId, { status: 'loading', error: null })
      try {
        patchProxy(hostId, { proxy: await call('proxy.get', { hostId }), status: 'ready', error: null })
      } catch (err) {
        patchProxy(hostId, { status: 'error', error: err as ApiError })
      }
    },
    async loadCerts() {
      if (get().certs.status !== 'ready') set({ certs: { ...get().certs, status: 'loading', error: null } })
      try {
        set({ certs: { list: await call('certs.list', {}), status: 'ready', error: null } })
      } catch (err) {
        set({ certs: { ...get().certs, status: 'error', error: err as ApiError } })
      }
    },
    async create(input) {
      const route = await call('routes.create', input)
      refreshRoutes(route.hostId)
      return route
    },
    async remove(route) {
      await call('routes.remove', { id: route.id })
      refreshRoutes(route.hostId)
    },
    preview: (hostId, add) => call('proxy.preview', { hostId, add }),
    async apply(hostId) {
      const proxy = await call('proxy.apply', { hostId })
      patchProxy(hostId, { proxy, status: 'ready', error: null })
      return proxy
    },
    async issue(domain) {
      const started = await call('certs.issue', { domain })
      void get().loadCerts()
      return started
    },
    async renew(domain) {
      const started = await call('certs.renew', { domain })
      void get().loadCerts()
      return started
    },
  }
})
