import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { AddRouteForm } from './AddRouteForm'
import { WatchedRoutes } from './WatchedRoutes'
import './routes.css'

/** The domains and paths the host's proxy sends to this service, and a form to add one. */
export function ServiceRoutesTab({ service }: { service: ServiceSummary }) {
  return (
    <div className="stack">
      <section className="card" aria-label="Routes">
        <WatchedRoutes
          routeKey={`service:${service.id}`}
          label={`Routes to ${service.spec.name}`}
          showService={false}
          emptyTitle="No routes to this service"
          emptyText="A route sends a domain (and a path) from the host’s nginx proxy to a port of this service on the project network; no host port needed. Add one below; with HTTPS its certificate is ordered automatically."
        />
      </section>
      <AddRouteForm service={service} />
    </div>
  )
}
