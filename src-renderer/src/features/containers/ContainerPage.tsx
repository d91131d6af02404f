import { useEffect, useState } from 'react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { RelativeTime } from '../../components/RelativeTime'
import { ShortId } from '../../components/ShortId'
import { ContainerStateChip } from '../../components/StateChip'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { Tabs, type TabItem } from '../../components/Tabs'
import { formatPorts } from '../../lib/format'
import { useNavigationStore } from '../shell/navigation-store'
import { ContainerActions } from './ContainerActions'
import { EMPTY_HOST, useContainersStore } from './containers-store'
import { InspectTab } from './inspect/InspectTab'
import { LogsTab } from './logs/LogsTab'
import { RemoveContainerDialog } from './RemoveContainerDialog'
import { StatsTab } from './stats/StatsTab'
import { TerminalTab } from './terminal/TerminalTab'

type Tab = 'logs' | 'stats' | 'inspect' | 'terminal'
const TABS: TabItem<Tab>[] = [
  { id: 'logs', label: 'Logs' },
  { id: 'stats', label: 'Stats' },
  { id: 'inspect', label: 'Inspect' },
  { id: 'terminal', label: 'Terminal' },
]

export function ContainerPage({ hostId, containerId }: { hostId: string; containerId: string }) {
  const watch = useContainersStore((s) => s.watch)
  const load = useContainersStore((s) => s.load)
  const state = useContainersStore((s) => s.byHost[hostId]) ?? EMPTY_HOST
  const openHost = useNavigationStore((s) => s.openHost)
  useEffect(() => watch(hostId), [watch, hostId])
  const container = state.list.find((c) => c.id === containerId)

  if (!container) {
    if (state.status === 'error' && state.error)
      return <ErrorState error={state.error} onRetry={() => void load(hostId)} />
    if (state.status === 'loading') return <Loading label="Loading container…" />
    return (
      <EmptyState title="This container is gone">
        <p>It was removed from the host.</p>
        <button type="button" className="btn" onClick={() => openHost(hostId)}>
          Back to the host
        </button>
      </EmptyState>
    )
  }
  return <ContainerView key={container.id} hostId={hostId} container={container} />
}

function ContainerView({ hostId, container }: { hostId: string; container: ContainerSummary }) {
  const [tab, setTab] = useState<Tab>('logs')
  const [removing, setRemoving] = useState<ContainerSummary | null>(null)
  const openHost = useNavigationStore((s) => s.openHost)
  const ports = formatPorts(container.ports)
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
          {ports && (
            <span>
              <span className="muted">Ports</span> <span className="mono-small">{ports}</span>
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
      <Tabs<Tab> label="Container views" items={TABS} value={tab} onChange={setTab} idPrefix="container">
        {tab === 'logs' && <LogsTab hostId={hostId} container={container} />}
        {tab === 'stats' && <StatsTab hostId={hostId} container={container} />}
        {tab === 'inspect' && <InspectTab hostId={hostId} containerId={container.id} />}
        {tab === 'terminal' && <TerminalTab hostId={hostId} container={container} />}
      </Tabs>
      <RemoveContainerDialog
        hostId={hostId}
        container={removing}
        onClose={() => setRemoving(null)}
        onRemoved={() => openHost(hostId)}
      />
    </div>
  )
}
