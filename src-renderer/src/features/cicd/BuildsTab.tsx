import { useEffect } from 'react'
import { Link } from 'wouter'
import type { BuildSummary } from '../../../../src-preload/contract/cicd'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { ErrorText } from '../../components/ErrorText'
import { RelativeTime } from '../../components/RelativeTime'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import { paths } from '../shell/routes'
import { CicdActions } from './CicdActions'
import { BUILD_TRIGGER_TEXT, formatDuration, refText, shortCommit, STATUS_TONE } from './cicd-labels'
import { EMPTY_HISTORY, useCicdStore } from './cicd-store'
import './cicd.css'

/** A service's builds, newest first, each opening its page with the log. */
export function BuildsTab({ service }: { service: ServiceSummary }) {
  const watch = useCicdStore((s) => s.watchService)
  const load = useCicdStore((s) => s.loadService)
  const history = useCicdStore((s) => s.byService[service.id]) ?? EMPTY_HISTORY
  useEffect(() => watch(service.id), [watch, service.id])

  if (!service.spec.git && history.builds.length === 0) {
    return (
      <EmptyState title="This service runs an image: there is nothing to build">
        <p>To build it from a repository, edit the service and choose “A git repository” under “Runs from”.</p>
      </EmptyState>
    )
  }
  if (history.status === 'error' && history.error)
    return <ErrorState error={history.error} onRetry={() => void load(service.id)} />
  if (history.status === 'loading') return <Loading label="Loading builds…" />
  if (history.builds.length === 0) {
    return (
      <EmptyState title="No builds yet">
        <p>
          A build clones <code>{service.spec.git?.url}</code> at <code>{service.spec.git?.ref}</code> and builds its
          Dockerfile on this service’s engine. “Build &amp; deploy” also runs the image once it is built.
        </p>
        <CicdActions service={service} />
      </EmptyState>
    )
  }
  return (
    <section className="cicd-table-card" aria-label="Builds">
      <div className="table-scroll">
        <table className="table cicd-table" aria-label={`Builds of ${service.spec.name}`}>
          <thead>
            <tr>
              <th scope="col">Build</th>
              <th scope="col">Status</th>
              <th scope="col">Commit</th>
              <th scope="col">Image</th>
              <th scope="col">Trigger</th>
              <th scope="col">Took</th>
            </tr>
          </thead>
          <tbody>
            {history.builds.map((build) => (
              <BuildRow key={build.id} build={build} service={service} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function BuildRow({ build, service }: { build: BuildSummary; service: ServiceSummary }) {
  return (
    <tr data-testid="build-row" data-status={build.status}>
      <td>
        <Link href={`${paths.build(service.projectId, service.id, build.id)}?`} className="link-btn name">
          {refText(build.ref)}
        </Link>
        <div className="muted small">
          <RelativeTime iso={build.createdAt} />
          {build.deployAfter ? ' · then deploy' : ''}
        </div>
      </td>
      <td>
        <StatusChip tone={STATUS_TONE[build.status]} state={build.status}>
          {build.status}
        </StatusChip>
        {build.error && (
          <div className="field-error small">
            <ErrorText code={build.error.code} message={build.error.message} />
          </div>
        )}
      </td>
      <td>
        {build.commit ? (
          <>
            <code title={build.commit}>{shortCommit(build.commit)}</code>
            {build.commitMessage && <div className="muted small commit-message">{build.commitMessage}</div>}
          </>
        ) : (
          <span className="muted">not resolved yet</span>
        )}
      </td>
      <td className="mono-small wrap-anywhere">{build.imageTag ?? <span className="muted">—</span>}</td>
      <td>{BUILD_TRIGGER_TEXT[build.trigger]}</td>
      <td>{formatDuration(build.durationMs)}</td>
    </tr>
  )
}
