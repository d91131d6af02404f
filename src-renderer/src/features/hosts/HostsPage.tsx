import { KeyRound, Plus, Trash2 } from 'lucide-react'
import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { HostSummary } from '../../../../src-preload/contract/hosts'
import { RelativeTime } from '../../components/RelativeTime'
import { HostStateChip } from '../../components/StateChip'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { navigation } from '../shell/use-route'
import { hostAddress } from './host-labels'
import { useHostsStore } from './hosts-store'
import { RemoveHostDialog } from './RemoveHostDialog'
import { ReplaceHostKeyDialog } from './ReplaceHostKeyDialog'
import { PermittedButton } from '../connection/PermittedButton'
import { ErrorText } from '../../components/ErrorText'
import { AddHostDialogLoader } from './AddHostDialogLoader'

export function HostsPage() {
  // Not the whole store: metrics samples arrive every few seconds and would re-render the page.
  const { hosts, status, error, load } = useHostsStore(
    useShallow((s) => ({ hosts: s.hosts, status: s.status, error: s.error, load: s.load })),
  )
  const [adding, setAdding] = useState(false)
  const [removing, setRemoving] = useState<HostSummary | null>(null)
  const [rekeying, setRekeying] = useState<HostSummary | null>(null)
  return (
    <section className="card" aria-labelledby="hosts-heading">
      <div className="card-head">
        <h2 id="hosts-heading">Docker hosts</h2>
        <PermittedButton permission="admin" className="btn primary" onClick={() => setAdding(true)}>
          <Plus size={14} aria-hidden="true" /> Add host
        </PermittedButton>
      </div>
      {status === 'error' && error ? (
        <ErrorState error={error} onRetry={() => void load()} />
      ) : status === 'loading' ? (
        <Loading label="Loading hosts…" />
      ) : hosts.length === 0 ? (
        <EmptyState title="No hosts yet">Add the local Docker engine or a server you reach over SSH.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Address</th>
                <th scope="col">State</th>
                <th scope="col">Docker</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {hosts.map((host) => (
                <tr key={host.id} data-testid="host-row" data-host-id={host.id}>
                  <td>
                    <button
                      type="button"
                      className="link-btn"
                      aria-label={`Open ${host.name}`}
                      onClick={() => navigation.host(host.id)}
                    >
                      {host.name}
                    </button>
                  </td>
                  <td className="mono-small">{hostAddress(host)}</td>
                  <td>
                    <HostStateChip host={host} />
                    {host.state === 'failed' && host.failure && (
                      <div className="field-error small">
                        <ErrorText code={host.failure.code} message={host.failure.message} />
                      </div>
                    )}
                  </td>
                  <td>{host.engine?.version ?? '—'}</td>
                  <td>
                    <RelativeTime iso={host.createdAt} />
                  </td>
                  <td className="actions">
                    {host.failure?.code === 'host_key_mismatch' && (
                      <PermittedButton permission="admin" className="btn" onClick={() => setRekeying(host)}>
                        <KeyRound size={14} aria-hidden="true" /> Replace pinned key
                      </PermittedButton>
                    )}
                    <PermittedButton
                      permission="admin"
                      className="btn danger"
                      onClick={() => setRemoving(host)}
                      aria-label={`Remove ${host.name}`}
                    >
                      <Trash2 size={14} aria-hidden="true" /> Remove
                    </PermittedButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddHostDialogLoader open={adding} onOpenChange={setAdding} />
      <RemoveHostDialog host={removing} onClose={() => setRemoving(null)} />
      <ReplaceHostKeyDialog host={rekeying} onClose={() => setRekeying(null)} />
    </section>
  )
}
