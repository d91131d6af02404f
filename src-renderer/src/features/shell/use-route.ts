import { useMemo } from 'react'
import { useLocation, useSearch } from 'wouter'
import { navigate } from 'wouter/use-hash-location'
import { parseRoute, paths, type ContainerTab, type HostTab, type RouteState, type ServiceTab } from './routes'

export function useRoute(): RouteState {
  const [location] = useLocation()
  return useMemo(() => parseRoute(location), [location])
}

/** Going to another view starts with an empty query (filters belong to the view they were set on). */
const go = (path: string): void => navigate(`${path}?`)

export const navigation = {
  dashboard: () => go(paths.dashboard()),
  hosts: () => go(paths.hosts()),
  settings: () => go(paths.settings()),
  host: (hostId: string, tab?: HostTab) => go(paths.host(hostId, tab)),
  container: (hostId: string, containerId: string, tab?: ContainerTab) => go(paths.container(hostId, containerId, tab)),
  projects: () => go(paths.projects()),
  project: (projectId: string) => go(paths.project(projectId)),
  service: (projectId: string, serviceId: string, tab?: ServiceTab) => go(paths.service(projectId, serviceId, tab)),
  build: (projectId: string, serviceId: string, buildId: string) => go(paths.build(projectId, serviceId, buildId)),
  jobs: () => go(paths.jobs()),
  /** A tab of the same page: replaces the entry, keeps the query. */
  replace: (path: string) => navigate(path, { replace: true }),
}

/**
 * One query parameter as state: reading it from the address, writing it back with `replace` so typing
 * into a filter does not add a history entry per keystroke.
 */
export function useQueryParam(name: string, fallback = ''): [string, (value: string) => void] {
  const search = useSearch()
  const [location] = useLocation()
  const value = new URLSearchParams(search).get(name) ?? fallback
  const set = (next: string): void => {
    const params = new URLSearchParams(search)
    if (next === fallback || next === '') params.delete(name)
    else params.set(name, next)
    const query = params.toString()
    navigate(`${location}?${query}`, { replace: true })
  }
  return [value, set]
}
