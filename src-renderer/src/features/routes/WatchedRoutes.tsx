import { useEffect, type ReactNode } from 'react'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { EMPTY_ROUTES, useRoutesStore, type RouteKey } from './routes-store'
import { RoutesTable } from './RoutesTable'

/** A watched list of routes (a service's or a host's) with its loading, error and empty states. */
export function WatchedRoutes({
  routeKey,
  label,
  showService,
  emptyTitle,
  emptyText,
}: {
  routeKey: RouteKey
  label: string
  showService: boolean
  emptyTitle: string
  emptyText: ReactNode
}) {
  const watch = useRoutesStore((s) => s.watchRoutes)
  const load = useRoutesStore((s) => s.loadRoutes)
  const state = useRoutesStore((s) => s.routes[routeKey]) ?? EMPTY_ROUTES
  useEffect(() => watch(routeKey), [watch, routeKey])
  if (state.status === 'error' && state.error)
    return <ErrorState error={state.error} onRetry={() => void load(routeKey)} />
  if (state.status === 'loading') return <Loading label="Loading routes…" />
  if (state.list.length === 0)
    return (
      <EmptyState title={emptyTitle}>
        <p>{emptyText}</p>
      </EmptyState>
    )
  return <RoutesTable routes={state.list} showService={showService} label={label} />
}
