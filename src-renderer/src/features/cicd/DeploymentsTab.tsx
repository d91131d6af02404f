import { ChevronDown, ChevronRight, History, ShieldCheck } from 'lucide-react'
import { Fragment, useEffect } from 'react'
import { Link } from 'wouter'
import type { DeploymentSummary } from '../../../../src-preload/contract/cicd'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { ErrorText } from '../../components/ErrorText'
import { RelativeTime } from '../../components/RelativeTime'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import { useCan } from '../connection/connection-store'
import { paths } from '../shell/routes'
import { useQueryParam } from '../shell/use-route'
import { CicdActions } from './CicdActions'
import {
  DEPLOYMENT_TRIGGER_TEXT,
  formatDuration,
  shortCommit,
  shortImage,
  STATUS_TONE,
  VERDICT_SHORT,
  VERDICT_TEXT,
} from './cicd-labels'
import { EMPTY_HISTORY, useCicdStore } from './cicd-store'
import { HealthEvidenceView } from './HealthEvidenceView'
import { RollbackDialog } from './RollbackDialog'
import './cicd.css'

/**
 * A service's deployments, newest first: what ran (image, commit), why (trigger), how long it took, how it
 * ended and the health evidence behind that; every earlier successful one can be brought back in one click.
 * `?deployment=<id>` opens a row (from a notification); `?rollback=<id>` or `?rollback=previous` asks to roll back.
 */
export function DeploymentsTab({ service }: { service: ServiceSummary }) {
  const watch = useCicdStore((s) => s.watchService)
  const load = useCicdStore((s) => s.loadService)
  const history = useCicdStore((s) => s.byService[service.id]) ?? EMPTY_HISTORY
  const [open, setOpen] = useQueryParam('deployment')
  const [rollback, setRollback] = useQueryParam('rollback')
  useEffect(() => watch(service.id), [watch, service.id])

  const dialog = rollback ? (
    <RollbackDialog
      service={service}
      deploymentId={rollback === 'previous' ? undefined : rollback}
      onClose={() => setRollback('')}
    />
  ) : null

  if (history.status === 'error' && history.error)
    return <ErrorState error={history.error} onRetry={() => void load(service.id)} />
  if (history.status === 'loading') return <Loading label="Loading deployments…" />
  if (history.deployments.length === 0) {
    return (
      <>
        <EmptyState title="No deployments yet">
          <p>
            {service.spec.git
              ? 'Build & deploy builds the repository and runs the image once its container is healthy. Every deployment is listed here, and any earlier one can be brought back.'
              : 'Deploy an image to run a new tag with a health check before it replaces the current container. Every deployment is listed here, and any earlier one can be brought back.'}
          </p>
          <CicdActions service={service} />
        </EmptyState>
        {dialog}
      </>
    )
  }
  const current = history.deployments.find((d) => d.current)
  return (
    <section className="cicd-table-card" aria-label="Deployments">
      <div className="table-scroll">
        <table className="table cicd-table" aria-label={`Deployments of ${service.spec.name}`}>
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Details</span>
              </th>
              <th scope="col">Status</th>
              <th scope="col">Image</th>
              <th scope="col">Commit</th>
              <th scope="col">Trigger</th>
              <th scope="col">Took</th>
              <th scope="col">Health</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {history.deployments.map((deployment) => (
              <DeploymentRow
                key={deployment.id}
                deployment={deployment}
                service={service}
                expanded={open === deployment.id}
                onToggle={() => setOpen(open === deployment.id ? '' : deployment.id)}
                canRollBack={
                  deployment.status === 'succeeded' &&
                  !deployment.current &&
                  (!current || Date.parse(deployment.createdAt) < Date.parse(current.createdAt))
                }
                onRollback={() => setRollback(deployment.id)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {dialog}
    </section>
  )
}

interface RowProps {
  deployment: DeploymentSummary
  service: ServiceSummary
  expanded: boolean
  onToggle(): void
  canRollBack: boolean
  onRollback(): void
}

function DeploymentRow({ deployment: d, service, expanded, onToggle, canRollBack, onRollback }: RowProps) {
  const can = useCan('operate')
  const label = `deployment of ${shortImage(d.imageTag)}`
  return (
    <Fragment>
      <tr data-testid="deployment-row" data-status={d.status} data-current={d.current || undefined}>
        <td>
          <button
            type="button"
            className="icon-btn"
            aria-expanded={expanded}
            aria-label={`${expanded ? 'Hide' : 'Show'} the details of the ${label}`}
            onClick={onToggle}
          >
            {expanded ? <ChevronDown size={14} aria-hidden="true" /> : <ChevronRight size={14} aria-hidden="true" />}
          </button>
        </td>
        <td>
          <div className="chip-row">
            <StatusChip tone={STATUS_TONE[d.status]} state={d.status}>
              {d.status}
            </StatusChip>
            {d.current && (
              <StatusChip tone="ok" state="current" testId="current-deployment">
                running now
              </StatusChip>
            )}
          </div>
          <div className="muted small">
            <RelativeTime iso={d.createdAt} />
          </div>
        </td>
        <td>
          <div className="mono-small wrap-anywhere">{d.imageTag}</div>
          {d.imageId && <div className="muted small mono-small">{shortImage(d.imageId)}</div>}
          {d.imageProtected && (
            <div
              className="muted small"
              title="One of the last successful deployments: no prune in glinrdock removes it"
            >
              <ShieldCheck size={12} aria-hidden="true" /> kept for rollback
            </div>
          )}
        </td>
        <td>{d.commit ? <code title={d.commit}>{shortCommit(d.commit)}</code> : <span className="muted">—</span>}</td>
        <td>
          {DEPLOYMENT_TRIGGER_TEXT[d.trigger]}
          {d.buildId && (
            <div className="small">
              <Link href={`${paths.build(service.projectId, service.id, d.buildId)}?`} className="link-btn">
                its build
              </Link>
            </div>
          )}
        </td>
        <td>{formatDuration(d.durationMs)}</td>
        <td>
          {d.health ? (
            <span
              className={d.health.verdict === 'healthy' || d.health.verdict === 'running' ? '' : 'bad-text'}
              title={VERDICT_TEXT[d.health.verdict]}
            >
              {VERDICT_SHORT[d.health.verdict]}
            </span>
          ) : (
            <span className="muted">{d.status === 'running' || d.status === 'queued' ? 'waiting…' : '—'}</span>
          )}
        </td>
        <td className="actions">
          {canRollBack && (
            <button
              type="button"
              className="btn"
              aria-label={`Roll back to the ${label}`}
              title={can.reason ?? 'Run this deployment’s image and spec again'}
              disabled={!can.allowed}
              onClick={onRollback}
            >
              <History size={14} aria-hidden="true" /> Roll back
            </button>
          )}
        </td>
      </tr>
      {expanded && (
        <tr className="deployment-detail-row">
          <td colSpan={8}>
            <div className="stack tight">
              {d.error && (
                <div className="field-error">
                  <ErrorText code={d.error.code} message={d.error.message} />
                </div>
              )}
              <dl className="facts">
                <dt>Strategy</dt>
                <dd>
                  {d.strategy === 'stop-first'
                    ? 'stop first (a fixed host port: the old container stopped, started again on failure)'
                    : d.strategy === 'start-first'
                      ? 'start first (the old container kept serving until the new one was healthy)'
                      : '—'}
                </dd>
                {d.rollbackOf && (
                  <>
                    <dt>Brought back</dt>
                    <dd className="mono-small">{d.rollbackOf}</dd>
                  </>
                )}
                <dt>Container</dt>
                <dd className="mono-small">{d.containerId ? d.containerId.slice(0, 12) : '—'}</dd>
                <dt>Finished</dt>
                <dd>
                  <RelativeTime iso={d.finishedAt} />
                </dd>
              </dl>
              {d.health ? (
                <HealthEvidenceView evidence={d.health} />
              ) : (
                <p className="muted">No health evidence was recorded (the deployment did not get that far).</p>
              )}
            </div>
          </td>
        </tr>
      )}
    </Fragment>
  )
}
