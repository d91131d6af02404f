/**
 * Every view has an address (hash-based, so it works the same from Electron's file:// page and from the
 * headless server). This module is the only place that knows the shape of those addresses.
 */
export const HOST_TABS = ['containers', 'images', 'volumes', 'networks', 'routes'] as const
export type HostTab = (typeof HOST_TABS)[number]
export const CONTAINER_TABS = ['logs', 'stats', 'inspect', 'terminal'] as const
export type ContainerTab = (typeof CONTAINER_TABS)[number]
export const SERVICE_TABS = [
  'overview',
  'deployments',
  'builds',
  'routes',
  'logs',
  'stats',
  'terminal',
  'spec',
] as const
export type ServiceTab = (typeof SERVICE_TABS)[number]

export type View =
  | 'dashboard'
  | 'hosts'
  | 'host'
  | 'container'
  | 'projects'
  | 'project'
  | 'service'
  | 'build'
  | 'jobs'
  | 'certs'
  | 'settings'
  | 'not-found'

export interface RouteState {
  view: View
  hostId: string | null
  containerId: string | null
  hostTab: HostTab
  containerTab: ContainerTab
  projectId: string | null
  serviceId: string | null
  serviceTab: ServiceTab
  /** The build page of a service: `/projects/:projectId/services/:serviceId/builds/:buildId`. */
  buildId: string | null
}

const segment = (value: string): string => encodeURIComponent(value)

export const paths = {
  dashboard: (): string => '/',
  hosts: (): string => '/hosts',
  host: (hostId: string, tab: HostTab = 'containers'): string =>
    tab === 'containers' ? `/hosts/${segment(hostId)}` : `/hosts/${segment(hostId)}/${tab}`,
  container: (hostId: string, containerId: string, tab: ContainerTab = 'logs'): string =>
    `/hosts/${segment(hostId)}/containers/${segment(containerId)}${tab === 'logs' ? '' : `/${tab}`}`,
  projects: (): string => '/projects',
  project: (projectId: string): string => `/projects/${segment(projectId)}`,
  service: (projectId: string, serviceId: string, tab: ServiceTab = 'overview'): string =>
    `/projects/${segment(projectId)}/services/${segment(serviceId)}${tab === 'overview' ? '' : `/${tab}`}`,
  build: (projectId: string, serviceId: string, buildId: string): string =>
    `/projects/${segment(projectId)}/services/${segment(serviceId)}/builds/${segment(buildId)}`,
  jobs: (): string => '/jobs',
  certs: (): string => '/certs',
  settings: (): string => '/settings',
}

const isHostTab = (value: string | undefined): value is HostTab => HOST_TABS.includes(value as HostTab)
const isContainerTab = (value: string | undefined): value is ContainerTab =>
  CONTAINER_TABS.includes(value as ContainerTab)
const isServiceTab = (value: string | undefined): value is ServiceTab => SERVICE_TABS.includes(value as ServiceTab)

function decode(value: string | undefined): string | null {
  if (!value) return null
  try {
    return decodeURIComponent(value)
  } catch {
    return null
  }
}

export function parseRoute(path: string): RouteState {
  const base: RouteState = {
    view: 'not-found',
    hostId: null,
    containerId: null,
    hostTab: 'containers',
    containerTab: 'logs',
    projectId: null,
    serviceId: null,
    serviceTab: 'overview',
    buildId: null,
  }
  const parts = path.split('?')[0]!.split('/').filter(Boolean)
  if (parts.length === 0) return { ...base, view: 'dashboard' }
  if (parts[0] === 'settings' && parts.length === 1) return { ...base, view: 'settings' }
  if (parts[0] === 'jobs' && parts.length === 1) return { ...base, view: 'jobs' }
  if (parts[0] === 'certs' && parts.length === 1) return { ...base, view: 'certs' }
  if (parts[0] === 'projects') return parseProjectRoute(parts, base)
  if (parts[0] !== 'hosts') return base
  if (parts.length === 1) return { ...base, view: 'hosts' }
  const hostId = decode(parts[1])
  if (!hostId) return base
  if (parts.length === 2) return { ...base, view: 'host', hostId }
  if (parts.length === 3 && isHostTab(parts[2])) return { ...base, view: 'host', hostId, hostTab: parts[2] }
  if (parts[2] === 'containers' && parts.length >= 4 && parts.length <= 5) {
    const containerId = decode(parts[3])
    if (!containerId) return base
    if (parts.length === 4) return { ...base, view: 'container', hostId, containerId }
    if (isContainerTab(parts[4])) return { ...base, view: 'container', hostId, containerId, containerTab: parts[4] }
  }
  return base
}

/**
 * `/projects`, `/projects/:projectId`, `/projects/:projectId/services/:serviceId[/:tab]`,
 * `/projects/:projectId/services/:serviceId/builds/:buildId`.
 */
function parseProjectRoute(parts: string[], base: RouteState): RouteState {
  if (parts.length === 1) return { ...base, view: 'projects' }
  const projectId = decode(parts[1])
  if (!projectId) return base
  if (parts.length === 2) return { ...base, view: 'project', projectId }
  if (parts[2] !== 'services' || parts.length < 4 || parts.length > 6) return base
  const serviceId = decode(parts[3])
  if (!serviceId) return base
  if (parts.length === 6) {
    const buildId = parts[4] === 'builds' ? decode(parts[5]) : null
    return buildId ? { ...base, view: 'build', projectId, serviceId, buildId, serviceTab: 'builds' } : base
  }
  if (parts.length === 4) return { ...base, view: 'service', projectId, serviceId }
  if (isServiceTab(parts[4])) return { ...base, view: 'service', projectId, serviceId, serviceTab: parts[4] }
  return base
}

/** Which entry of the left navigation a view belongs to. */
export function sectionOf(view: View): 'dashboard' | 'hosts' | 'projects' | 'jobs' | 'certs' | 'settings' | null {
  if (view === 'host' || view === 'container' || view === 'hosts') return 'hosts'
  if (view === 'projects' || view === 'project' || view === 'service' || view === 'build') return 'projects'
  if (view === 'dashboard' || view === 'settings' || view === 'jobs' || view === 'certs') return view
  return null
}
