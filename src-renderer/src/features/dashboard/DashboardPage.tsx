import { Plus } from 'lucide-react'
import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { useHostsStore } from '../hosts/hosts-store'
import { HostCard } from './HostCard'
import { PermittedButton } from '../connection/PermittedButton'
import { AddHostDialogLoader } from '../hosts/AddHostDialogLoader'

/** The fleet at a glance: one card per host. Metrics stream only while this page is shown. */
export function DashboardPage() {
  // Not the whole store: metrics samples arrive every few seconds and would re-render the page.
  const { hosts, status, error, load } = useHostsStore(
    useShallow((s) => ({ hosts: s.hosts, status: s.status, error: s.error, load: s.load })),
  )
  const [adding, setAdding] = useState(false)
  let body: React.ReactNode
  if (status === 'error' && error) body = <ErrorState error={error} onRetry={() => void load()} />
  else if (status === 'loading') body = <Loading label="Loading hosts…" />
  else if (hosts.length === 0) {
    body = (
      <section className="card">
        <EmptyState title="No hosts yet">
          <p>Add the Docker engine on this computer, or a server you reach over SSH, to see its containers here.</p>
          <PermittedButton permission="admin" className="btn primary" onClick={() => setAdding(true)}>
            <Plus size={14} aria-hidden="true" /> Add host
          </PermittedButton>
        </EmptyState>
      </section>
    )
  } else {
    body = (
      <div className="host-grid">
        {hosts.map((host) => (
          <HostCard key={host.id} host={host} />
        ))}
      </div>
    )
  }
  return (
    <div className="stack">
      {hosts.length > 0 && (
        <div className="toolbar">
          <span className="muted">
            {hosts.length} host{hosts.length === 1 ? '' : 's'}
          </span>
          <div className="toolbar-end">
            <PermittedButton permission="admin" className="btn primary" onClick={() => setAdding(true)}>
              <Plus size={14} aria-hidden="true" /> Add host
            </PermittedButton>
          </div>
        </div>
      )}
      {body}
      <AddHostDialogLoader open={adding} onOpenChange={setAdding} />
    </div>
  )
}
