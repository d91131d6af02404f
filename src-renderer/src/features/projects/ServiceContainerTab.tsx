import { Play } from 'lucide-react'
import { lazy, useEffect } from 'react'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { CicdActions } from '../cicd/CicdActions'
import { PermittedButton } from '../connection/PermittedButton'
import { EMPTY_HOST, useContainersStore } from '../containers/containers-store'
import { useServiceActions } from './use-service-actions'

const LogsTab = lazy(() => import('../containers/logs/LogsTab').then((m) => ({ default: m.LogsTab })))
const StatsTab = lazy(() => import('../containers/stats/StatsTab').then((m) => ({ default: m.StatsTab })))
const TerminalTab = lazy(() => import('../containers/terminal/TerminalTab').then((m) => ({ default: m.TerminalTab })))

/**
 * The containers feature's logs, stats and terminal, for the container the service runs as. A recreated
 * container has a new id: the tab follows it (keyed by id), starting a fresh stream.
 */
export function ServiceContainerTab({ service, tab }: { service: ServiceSummary; tab: 'logs' | 'stats' | 'terminal' }) {
  const watch = useContainersStore((s) => s.watch)
  const load = useContainersStore((s) => s.load)
  const state = useContainersStore((s) => s.byHost[service.hostId]) ?? EMPTY_HOST
  const act = useServiceActions()
  useEffect(() => watch(service.hostId), [watch, service.hostId])
  const id = service.status.containerId
  const container = id ? state.list.find((c) => c.id === id || c.id.startsWith(id)) : undefined

  if (!id && service.spec.git && !service.status.imageId) {
    // A git service has nothing to start before its first build: the way forward is a build.
    return (
      <EmptyState title="This service has no container yet">
        <p>Its image is built from its git source first: Build &amp; deploy builds it and runs it.</p>
        <CicdActions service={service} />
      </EmptyState>
    )
  }
  if (!id) {
    return (
      <EmptyState title="This service has no container yet">
        <p>Start it: glinrdock creates its container from the spec.</p>
        <PermittedButton permission="operate" className="btn primary" onClick={() => void act(service, 'start')}>
          <Play size={14} aria-hidden="true" /> Start {service.spec.name}
        </PermittedButton>
      </EmptyState>
    )
  }
  if (!container) {
    if (state.status === 'error' && state.error)
      return <ErrorState error={state.error} onRetry={() => void load(service.hostId)} />
    if (state.status === 'loading') return <Loading label="Loading container…" />
    return (
      <EmptyState title="Its container is gone">
        It was removed outside glinrdock; Re-apply creates it again.
      </EmptyState>
    )
  }
  if (tab === 'logs') return <LogsTab key={container.id} hostId={service.hostId} container={container} />
  if (tab === 'stats') return <StatsTab key={container.id} hostId={service.hostId} container={container} />
  return <TerminalTab key={container.id} hostId={service.hostId} container={container} />
}
