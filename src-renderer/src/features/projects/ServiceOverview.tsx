import { RefreshCcw } from 'lucide-react'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { RelativeTime } from '../../components/RelativeTime'
import { ShortId } from '../../components/ShortId'
import { StatusChip } from '../../components/StatusChip'
import { PermittedButton } from '../connection/PermittedButton'
import { useHostsStore } from '../hosts/hosts-store'
import { ServiceStateChip } from './ServiceStateChip'
import { SpecSummary } from './SpecSummary'
import { useServiceActions } from './use-service-actions'

const none = <span className="muted">—</span>

/** What runs now (from the engine), how it differs from the spec, and the spec in short. */
export function ServiceOverview({ service }: { service: ServiceSummary }) {
  const { status, spec } = service
  const act = useServiceActions()
  const hostState = useHostsStore((s) => s.hosts.find((h) => h.id === service.hostId)?.state)
  return (
    <div className="overview-grid">
      <section className="card" aria-labelledby="status-heading">
        <h3 id="status-heading">Status</h3>
        {!status.live && hostState !== 'connected' && (
          <p className="notice small">The host is not reachable: this is the last state glinrdock saw.</p>
        )}
        <dl className="facts" data-testid="service-status">
          <dt>State</dt>
          <dd>
            <ServiceStateChip status={status} hostId={service.hostId} />
          </dd>
          <dt>Health</dt>
          <dd>{status.health ?? <span className="muted">no health check</span>}</dd>
          <dt>Exit code</dt>
          <dd>{status.exitCode ?? none}</dd>
          <dt>Container</dt>
          <dd>
            {status.containerId ? (
              <>
                <ShortId id={status.containerId} label={`Copy container ID of ${spec.name}`} />{' '}
                <span className="mono-small">{status.containerName}</span>
              </>
            ) : (
              <span className="muted">none yet: start the service to create it</span>
            )}
          </dd>
          <dt>Image</dt>
          <dd>
            {status.imageId ? <ShortId id={status.imageId} label={`Copy image ID of ${spec.name}`} /> : none}
            {status.imageDigest && (
              <div className="mono-small wrap-anywhere muted" title={status.imageDigest}>
                {status.imageDigest}
              </div>
            )}
          </dd>
          <dt>Started</dt>
          <dd>
            <RelativeTime iso={status.startedAt} />
          </dd>
          <dt>Spec hash</dt>
          <dd className="mono-small">{service.specHash.slice(0, 12)}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="drift-heading">
        <h3 id="drift-heading">Drift</h3>
        {status.drift.length === 0 ? (
          <p className="muted">The container matches the spec.</p>
        ) : (
          <div className="stack tight">
            <ul className="drift-list plain" data-testid="drift-list">
              {status.drift.map((d) => (
                <li key={d.kind}>
                  <StatusChip tone="warn" state={d.kind}>
                    {d.kind.replace('_', ' ')}
                  </StatusChip>{' '}
                  {d.message}
                </li>
              ))}
            </ul>
            <div>
              <PermittedButton permission="operate" className="btn primary" onClick={() => void act(service, 'start')}>
                <RefreshCcw size={14} aria-hidden="true" /> Re-apply the spec
              </PermittedButton>
            </div>
          </div>
        )}
      </section>
      <section className="card span-2" aria-labelledby="spec-heading">
        <h3 id="spec-heading">Spec</h3>
        <SpecSummary spec={spec} />
      </section>
    </div>
  )
}
