import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { navigation } from '../shell/use-route'
import { DriftBadge } from './DriftBadge'
import { ServiceActions } from './ServiceActions'
import { ServiceStateChip } from './ServiceStateChip'
import { portText, sourceText } from './service-labels'

/** A project's services: state and health, ports, image, drift, and the quick lifecycle actions. */
export function ServicesTable({ projectId, services }: { projectId: string; services: ServiceSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="table services-table" aria-label="Services">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">State</th>
            <th scope="col">Ports</th>
            <th scope="col">Image</th>
            <th scope="col">Drift</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {services.map((service) => (
            <tr
              key={service.id}
              data-testid="service-row"
              data-service={service.spec.name}
              data-state={service.status.state}
            >
              <td>
                <button
                  type="button"
                  className="link-btn name"
                  aria-label={`Open service ${service.spec.name}`}
                  onClick={() => navigation.service(projectId, service.id)}
                >
                  {service.spec.name}
                </button>
                {service.origin === 'adopted' && <div className="muted small">adopted</div>}
              </td>
              <td>
                <ServiceStateChip status={service.status} hostId={service.hostId} />
              </td>
              <td className="mono-small">
                {service.spec.ports.length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  <span className="ports-cell">
                    {service.spec.ports.map((port) => (
                      <span key={portText(port)}>{portText(port)}</span>
                    ))}
                  </span>
                )}
              </td>
              <td className="mono-small wrap-anywhere">{sourceText(service)}</td>
              <td>
                <DriftBadge drift={service.status.drift} />
              </td>
              <td className="actions">
                <ServiceActions service={service} compact />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
