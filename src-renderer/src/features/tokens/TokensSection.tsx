import { Plus, Trash2 } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { TokenSummary } from '../../../../src-preload/contract/schemas'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { RelativeTime } from '../../components/RelativeTime'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { useRoleAllows } from '../connection/connection-store'
import { PermittedButton } from '../connection/PermittedButton'
import { CreateTokenDialog } from './CreateTokenDialog'
import { useTokensStore } from './tokens-store'

/** Token management is admin-only: other roles see why, and nothing is fetched or subscribed for them. */
export function TokensSection() {
  const isAdmin = useRoleAllows('admin')
  if (isAdmin === null) return null
  if (!isAdmin) {
    return (
      <section className="card" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">API tokens</h2>
        <p className="muted">Managing API tokens needs the admin role. Ask an admin for a token with more rights.</p>
      </section>
    )
  }
  return <TokensManager />
}

function TokensManager() {
  const { tokens, loading, error, load, watch } = useTokensStore()
  const [creating, setCreating] = useState(false)
  const [revoking, setRevoking] = useState<TokenSummary | null>(null)
  useEffect(() => watch(), [watch])

  return (
    <section className="card" aria-labelledby="tokens-heading">
      <div className="card-head">
        <h2 id="tokens-heading">API tokens</h2>
        <PermittedButton permission="admin" className="btn primary" onClick={() => setCreating(true)}>
          <Plus size={14} aria-hidden="true" /> Create token
        </PermittedButton>
      </div>
      <p className="muted">Tokens authorise the REST API and the browser UI of headless mode.</p>
      {error ? (
        <ErrorState error={error} onRetry={() => void load()} />
      ) : loading ? (
        <Loading label="Loading tokens…" />
      ) : tokens.length === 0 ? (
        <EmptyState title="No API tokens">Create one to script glinrdock or open it from a browser.</EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">ID</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id} data-testid={`token-row-${token.id}`}>
                <td>{token.name}</td>
                <td>
                  <span className={`role role-${token.role}`}>{token.role}</span>
                </td>
                <td>
                  <code>{token.id}</code>
                </td>
                <td>
                  <RelativeTime iso={token.createdAt} />
                </td>
                <td>
                  <RelativeTime iso={token.lastUsedAt} />
                </td>
                <td className="actions">
                  <PermittedButton
                    permission="admin"
                    className="btn danger"
                    onClick={() => setRevoking(token)}
                    aria-label={`Revoke ${token.name}`}
                  >
                    <Trash2 size={14} aria-hidden="true" /> Revoke
                  </PermittedButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CreateTokenDialog open={creating} onOpenChange={setCreating} />
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} />
    </section>
  )
}

function RevokeTokenDialog({ token, onClose }: { token: TokenSummary | null; onClose(): void }) {
  const revoke = useTokensStore((s) => s.revoke)
  return (
    <ConfirmDialog
      open={token !== null}
      onOpenChange={(open) => !open && onClose()}
      title="Revoke token?"
      description={
        token ? `“${token.name}” (${token.role}, ${token.id}) stops working immediately, including open sessions.` : ''
      }
      confirmLabel={`Revoke ${token?.name ?? ''}`}
      onConfirm={() => (token ? revoke(token.id) : Promise.resolve())}
    />
  )
}
