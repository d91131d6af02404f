import { lazy, Suspense, useEffect, useState } from 'react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { RelativeTime } from '../../components/RelativeTime'
import { ShortId } from '../../components/ShortId'
import { ContainerStateChip } from '../../components/StateChip'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { Tabs, type TabItem } from '../../components/Tabs'
import { useHostsStore } from '../hosts/hosts-store'
import { portViews } from './ports'
import { paths, type ContainerTab } from '../shell/routes'
import { navigation } from '../shell/use-route'
import { ContainerActions } from './ContainerActions'
import { EMPTY_HOST, useContainersStore } from './containers-store'
import { InspectTab } from './inspect/InspectTab'
import { RemoveContainerDialog } from './RemoveContainerDialog'

// xterm and uPlot load with the tab that needs them.
const LogsTab = lazy(() => import('./logs/LogsTab').then((m) => ({ default: m.LogsTab })))
const StatsTab = lazy(() => import('./stats/StatsTab').then((m) => ({ default: m.StatsTab })))
const TerminalTab = lazy(() => import('./terminal/TerminalTab').then((m) => ({ default: m.TerminalTab })))

const TABS: TabItem<ContainerTab>[] = [
  { id: 'logs', label: 'Logs' },
  { id: 'stats', label: 'Stats' },
  { id: 'inspect', label: 'Inspect' },
  { id: 'terminal', label: 'Terminal' },
]

interface ContainerPageProps {
  hostId: string
  /** An id, an id prefix or a name: links may use any of them. */
  containerId: string
  tab: ContainerTab
}

export function ContainerPage({ hostId, containerId, tab }: ContainerPageProps) {
  const watch = useContainersStore((s) => s.watch)
  const load = useContainersStore((s) => s.load)
  const state = useContainersStore((s) => s.byHost[hostId]) ?? EMPTY_HOST
  useEffect(() => watch(hostId), [watch, hostId])
  const container =
    state.list.find((c) => c.id === containerId || c.name === containerId) ??
    (containerId.length >= 12 ? state.list.find((c) => c.id.startsWith(containerId)) : undefined)

  if (!container) {
    if (state.status === 'error' && state.error)
      return <ErrorState error={state.error} onRetry={() => void load(hostId)} />
    if (state.status === 'loading') return <Loading label="Loading container…" />
    return (
      <EmptyState title="This container is gone">
        <p>It was removed from the host.</p>
        <button type="button" className="btn" onClick={() => navigation.host(hostId)}>
          Back to the host
        </button>
      </EmptyState>
    )
  }
  return <ContainerView key={container.id} hostId={hostId} container={container} tab={tab} />
}

function ContainerView({ hostId, container, tab }: { hostId: string; container: ContainerSummary; tab: ContainerTab }) {
  const [removing, setRemoving] = useState<ContainerSummary | null>(null)
  const setTab = (next: ContainerTab): void => navigation.replace(paths.container(hostId, container.id, next))
  const host = useHostsStore((s) => s.hosts.find((h) => h.id === hostId))
  const ports = portViews(container.ports, host?.ssh ? host.ssh.host : 'localhost', host?.kind === 'ssh')
  return (
    <div className="page-fill">
      <section className="card container-head" aria-label={`Container ${container.name}`}>
        <div className="container-title">
          <h2 data-testid="container-name">{container.name}</h2>
          <ContainerStateChip state={container.state} status={container.status} />
          <span className="muted">{container.status}</span>
          <div className="toolbar-end">
            <ContainerActions hostId={hostId} container={container} onRemove={setRemoving} />
          </div>
        </div>
        <div className="container-meta">
          <ShortId id={container.id} label={`Copy ID of ${container.name}`} />
          <span title={container.imageId}>
            <span className="muted">Image</span> {container.image}
          </span>
          {ports.length > 0 && (
            <span className="ports-inline">
              <span className="muted">Ports</span>{' '}
              <span className="ports-cell mono-small">
                {ports.map((port) =>
                  port.href ? (
                    <a key={port.key} href={port.href} target="_blank" rel="noopener noreferrer">
                      {port.text}
                    </a>
                  ) : (
                    <span key={port.key}>{port.text}</span>
                  ),
                )}
              </span>
            </span>
          )}
          {container.composeProject && (
            <span>
              <span className="muted">Project</span> {container.composeProject}
            </span>
          )}
          <span>
            <span className="muted">Created</span> <RelativeTime iso={container.createdAt} />
          </span>
        </div>
      </section>
      <Tabs<ContainerTab> label="Container views" items={TABS} value={tab} onChange={setTab} idPrefix="container">
        <Suspense fallback={<Loading label="Loading…" />}>
          {tab === 'logs' && <LogsTab hostId={hostId} container={container} />}
          {tab === 'stats' && <StatsTab hostId={hostId} container={container} />}
          {tab === 'inspect' && <InspectTab hostId={hostId} containerId={container.id} />}
          {tab === 'terminal' && <TerminalTab hostId={hostId} container={container} />}
        </Suspense>
      </Tabs>
      <RemoveContainerDialog
        hostId={hostId}
        container={removing}
        onClose={() => setRemoving(null)}
        onRemoved={() => navigation.host(hostId)}
      />
    </div>
  )
}
