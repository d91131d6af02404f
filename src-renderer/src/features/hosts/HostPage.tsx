import { KeyRound, Pencil, RefreshCw, Trash2 } from 'lucide-react'
import { lazy, Suspense, useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { HostSummary } from '../../../../src-preload/contract/hosts'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { formatBytes } from '../../lib/format'
import { ContainersTable } from '../containers/ContainersTable'
import { ResourcesView } from '../resources/ResourcesView'
import { EMPTY_HOST, useContainersStore } from '../containers/containers-store'
import { Tabs, type TabItem } from '../../components/Tabs'
import { paths, type HostTab } from '../shell/routes'
import { navigation } from '../shell/use-route'
import { hostAddress } from './host-labels'
import { useHostsStore } from './hosts-store'
import { EditHostDialog } from './EditHostDialog'
import { RemoveHostDialog } from './RemoveHostDialog'
import { ReplaceHostKeyDialog } from './ReplaceHostKeyDialog'
import { PermittedButton } from '../connection/PermittedButton'
import { ErrorText } from '../../components/ErrorText'

const HostRoutesTab = lazy(() => import('../routes/HostRoutesTab').then((m) => ({ default: m.HostRoutesTab })))

const HOST_TABS: TabItem<HostTab>[] = [
  { id: 'containers', label: 'Containers' },
  { id: 'images', label: 'Images' },
  { id: 'volumes', label: 'Volumes' },
  { id: 'networks', label: 'Networks' },
  { id: 'routes', label: 'Routes' },
]

export function HostPage({ hostId, tab }: { hostId: string; tab: HostTab }) {
  // Not the whole store: metrics samples arrive every few seconds and would re-render the page.
  const { hosts, status, error, load } = useHostsStore(
    useShallow((s) => ({ hosts: s.hosts, status: s.status, error: s.error, load: s.load })),
  )
  const host = hosts.find((h) => h.id === hostId)
  if (status === 'error' && error) return <ErrorState error={error} onRetry={() => void load()} />
  if (status === 'loading') return <Loading label="Loading host…" />
  if (!host) {
    return (
      <EmptyState title="This host is gone">
        <p>It was removed from glinrdock.</p>
        <button type="button" className="btn" onClick={navigation.hosts}>
          Back to hosts
        </button>
      </EmptyState>
    )
  }
  return (
    <div className="page-fill">
      <HostSummaryBar host={host} />
      <Tabs<HostTab>
        label="Host views"
        items={HOST_TABS}
        value={tab}
        onChange={(next) => navigation.replace(paths.host(host.id, next))}
        idPrefix="host"
      >
        {tab === 'containers' && <HostContainers host={host} />}
        {tab === 'images' && <ResourcesView key="image" hostId={host.id} kind="image" />}
        {tab === 'volumes' && <ResourcesView key="volume" hostId={host.id} kind="volume" />}
        {tab === 'networks' && <ResourcesView key="network" hostId={host.id} kind="network" />}
        {tab === 'routes' && (
          <Suspense fallback={<Loading label="Loading…" />}>
            <HostRoutesTab host={host} />
          </Suspense>
        )}
      </Tabs>
    </div>
  )
}

function HostSummaryBar({ host }: { host: HostSummary }) {
  const [removing, setRemoving] = useState<HostSummary | null>(null)
  const [rekeying, setRekeying] = useState<HostSummary | null>(null)
  const [editing, setEditing] = useState<HostSummary | null>(null)
  const retry = useHostsStore((s) => s.retry)
  const engine = host.engine
  const labels = Object.entries(host.labels)
  return (
    <section className="card host-summary" aria-label={`Host ${host.name}`}>
      <div className="host-summary-main">
        <span className="mono-small">{hostAddress(host)}</span>
        {engine ? (
          <span className="muted">
            Docker {engine.version} · API {engine.apiVersion} · {engine.os} ({engine.arch}) · {engine.cpus} CPUs ·{' '}
            {formatBytes(engine.memoryBytes)}
          </span>
        ) : (
          <span className="muted">Engine not reached yet</span>
        )}
        <div className="toolbar-end">
          {host.failure?.code === 'host_key_mismatch' && (
            <PermittedButton permission="admin" className="btn" onClick={() => setRekeying(host)}>
              <KeyRound size={14} aria-hidden="true" /> Replace pinned key
            </PermittedButton>
          )}
          {host.state === 'failed' && (
            <PermittedButton
              permission="operate"
              className="btn"
              onClick={() => void retry(host.id).catch(() => undefined)}
            >
              <RefreshCw size={14} aria-hidden="true" /> Retry now
            </PermittedButton>
          )}
          <PermittedButton permission="admin" className="btn" onClick={() => setEditing(host)}>
            <Pencil size={14} aria-hidden="true" /> Edit
          </PermittedButton>
          <PermittedButton permission="admin" className="btn danger" onClick={() => setRemoving(host)}>
            <Trash2 size={14} aria-hidden="true" /> Remove host
          </PermittedButton>
        </div>
      </div>
      {host.failure && host.state !== 'connected' && (
        <p className="field-error" role="alert" data-testid="host-failure">
          <ErrorText code={host.failure.code} message={host.failure.message} />
        </p>
      )}
      {labels.length > 0 && (
        <ul className="host-labels" aria-label="Labels">
          {labels.map(([key, value]) => (
            <li key={key} className="label-chip mono-small">
              {value ? `${key}=${value}` : key}
            </li>
          ))}
        </ul>
      )}
      <RemoveHostDialog host={removing} onClose={() => setRemoving(null)} />
      <EditHostDialog host={editing} onClose={() => setEditing(null)} />
      <ReplaceHostKeyDialog host={rekeying} onClose={() => setRekeying(null)} />
    </section>
  )
}

function HostContainers({ host }: { host: HostSummary }) {
  const watch = useContainersStore((s) => s.watch)
  const load = useContainersStore((s) => s.load)
  const state = useContainersStore((s) => s.byHost[host.id]) ?? EMPTY_HOST
  useEffect(() => watch(host.id), [watch, host.id])

  if (state.status === 'error' && state.error) {
    // The summary above already explains a link that is down; the list comes back with the host.
    if (host.state !== 'connected') {
      return (
        <EmptyState title="Containers appear when the host is connected">
          <button type="button" className="btn" onClick={() => void load(host.id)}>
            Load containers again
          </button>
        </EmptyState>
      )
    }
    return <ErrorState error={state.error} onRetry={() => void load(host.id)} />
  }
  if (state.status === 'loading') return <Loading label="Loading containers…" />
  if (state.list.length === 0) {
    return (
      <EmptyState title="No containers on this host">
        Containers started on it (with <code>docker run</code>, compose, or a deploy) appear here as they are created.
      </EmptyState>
    )
  }
  return (
    <ContainersTable
      hostId={host.id}
      containers={state.list}
      linkHost={host.ssh ? host.ssh.host : 'localhost'}
      remote={host.kind === 'ssh'}
    />
  )
}
