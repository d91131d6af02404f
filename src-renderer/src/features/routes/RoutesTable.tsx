import { ExternalLink, Trash2 } from 'lucide-react'
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import type { CertSummary, RouteSummary } from '../../../../src-preload/contract/routes'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { StatusChip } from '../../components/StatusChip'
import { PermittedButton } from '../connection/PermittedButton'
import { useNoticesStore } from '../shell/notices-store'
import { paths } from '../shell/routes'
import { CERT_TEXT, CERT_TONE } from './route-labels'
import { useRoutesStore } from './routes-store'

interface RoutesTableProps {
  routes: RouteSummary[]
  /** On a host's page each row names (and links) the service it reaches. */
  showService: boolean
  label: string
}

/** Routes with their certificate's state; removing one asks first and names the domain. */
export function RoutesTable({ routes, showService, label }: RoutesTableProps) {
  const watchCerts = useRoutesStore((s) => s.watchCerts)
  const certs = useRoutesStore((s) => s.certs.list)
  useEffect(() => watchCerts(), [watchCerts])
  const [removing, setRemoving] = useState<RouteSummary | null>(null)
  const remove = useRoutesStore((s) => s.remove)
  const notify = useNoticesStore((s) => s.notify)
  const byDomain = new Map(certs.map((c) => [c.domain, c]))
  return (
    <div className="table-scroll fit">
      <table className="table routes-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Domain</th>
            <th scope="col">Path</th>
            {showService && <th scope="col">Service</th>}
            <th scope="col">Port</th>
            <th scope="col">TLS</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {routes.map((route) => (
            <RouteRow
              key={route.id}
              route={route}
              cert={byDomain.get(route.domain)}
              showService={showService}
              onRemove={() => setRemoving(route)}
            />
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={`Remove the route ${removing ? routeName(removing) : ''}?`}
        description={
          removing
            ? `The proxy stops serving ${routeName(removing)} (to ${removing.serviceName}:${removing.port}). The service itself keeps running${removing.tls ? '; the certificate is kept until it expires' : ''}.`
            : ''
        }
        confirmLabel="Remove route"
        busyLabel="Removing…"
        onConfirm={async () => {
          if (!removing) return
          await remove(removing)
          notify({ tone: 'ok', text: `The route ${routeName(removing)} is removed.` })
        }}
      />
    </div>
  )
}

const routeName = (route: RouteSummary): string => `${route.displayDomain}${route.path === '/' ? '' : route.path}`

function RouteRow({
  route,
  cert,
  showService,
  onRemove,
}: {
  route: RouteSummary
  cert: CertSummary | undefined
  showService: boolean
  onRemove(): void
}) {
  return (
    <tr data-testid="route-row" data-domain={route.domain}>
      <td>
        <a href={route.url} target="_blank" rel="noreferrer noopener" className="route-link">
          {route.displayDomain}
          <ExternalLink size={12} aria-hidden="true" />
          <span className="sr-only"> (opens {route.url})</span>
        </a>
        {route.displayDomain !== route.domain && <div className="muted small mono-small">{route.domain}</div>}
      </td>
      <td>
        <code>{route.path}</code>
      </td>
      {showService && (
        <td>
          <Link href={`${paths.service(route.projectId, route.serviceId, 'routes')}?`} className="link-btn">
            {route.projectName} / {route.serviceName}
          </Link>
        </td>
      )}
      <td className="mono-small">{route.port}</td>
      <td>
        {route.tls ? (
          cert ? (
            <Link href={`${paths.certs()}?`} className="plain-link" title="Open the certificates">
              <StatusChip tone={CERT_TONE[cert.status]} state={cert.status} testId="route-cert">
                HTTPS · {CERT_TEXT[cert.status]}
              </StatusChip>
            </Link>
          ) : (
            <StatusChip tone="neutral" state="pending" testId="route-cert">
              HTTPS · Pending
            </StatusChip>
          )
        ) : (
          <span className="muted">HTTP only</span>
        )}
      </td>
      <td className="actions">
        <PermittedButton
          permission="operate"
          className="btn danger"
          aria-label={`Remove the route ${routeName(route)}`}
          title="Stop serving this domain and path"
          onClick={onRemove}
        >
          <Trash2 size={14} aria-hidden="true" /> Remove
        </PermittedButton>
      </td>
    </tr>
  )
}
