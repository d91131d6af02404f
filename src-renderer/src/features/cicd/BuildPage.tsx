import { ArrowLeft, Rocket, X } from 'lucide-react'
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import type { BuildSummary } from '../../../../src-preload/contract/cicd'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { ErrorText } from '../../components/ErrorText'
import { RelativeTime } from '../../components/RelativeTime'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import { call } from '../../lib/api'
import { useCan } from '../connection/connection-store'
import { EMPTY_SERVICES, useProjectsStore } from '../projects/projects-store'
import { useNoticesStore } from '../shell/notices-store'
import { paths } from '../shell/routes'
import { navigation } from '../shell/use-route'
import { BuildLogView } from './BuildLogView'
import { BUILD_TRIGGER_TEXT, formatDuration, isActive, refText, shortCommit, STATUS_TONE } from './cicd-labels'
import { EMPTY_BUILD, useCicdStore } from './cicd-store'
import './cicd.css'
import '../projects/projects.css'

interface BuildPageProps {
  projectId: string
  serviceId: string
  buildId: string
}

/** One build: what was built (ref, commit, image), how it went, and its log live in xterm. */
export function BuildPage({ projectId, serviceId, buildId }: BuildPageProps) {
  const watchProject = useProjectsStore((s) => s.watchProject)
  const watchBuild = useCicdStore((s) => s.watchBuild)
  const loadBuild = useCicdStore((s) => s.loadBuild)
  const state = useCicdStore((s) => s.builds[buildId]) ?? EMPTY_BUILD
  const services = useProjectsStore((s) => s.services[projectId]) ?? EMPTY_SERVICES
  useEffect(() => watchProject(projectId), [watchProject, projectId])
  useEffect(() => watchBuild(buildId), [watchBuild, buildId])
  const service = services.list.find((s) => s.id === serviceId)

  if (state.status === 'error' && state.error) {
    if (state.error.code === 'not_found') {
      return (
        <EmptyState title="This build is gone">
          <p>Old builds are pruned, and a service’s builds go with it.</p>
          <button type="button" className="btn" onClick={() => navigation.service(projectId, serviceId, 'builds')}>
            Back to the builds
          </button>
        </EmptyState>
      )
    }
    return <ErrorState error={state.error} onRetry={() => void loadBuild(buildId)} />
  }
  if (!state.build) return <Loading label="Loading build…" />
  return <BuildView build={state.build} service={service ?? null} projectId={projectId} />
}

function BuildView({
  build,
  service,
  projectId,
}: {
  build: BuildSummary
  service: ServiceSummary | null
  projectId: string
}) {
  const can = useCan('operate')
  const deploy = useCicdStore((s) => s.deploy)
  const notify = useNoticesStore((s) => s.notify)
  const [busy, setBusy] = useState(false)
  const name = service?.spec.name ?? 'service'
  const active = isActive(build.status)
  const cancel = (): void => {
    if (!build.jobId) return
    setBusy(true)
    call('jobs.cancel', { id: build.jobId })
      .catch((err: unknown) => {
        const e = toApiError(err)
        notify({ tone: 'bad', code: e.code, text: 'Could not cancel the build.', detail: e.message })
      })
      .finally(() => setBusy(false))
  }
  const deployImage = (): void => {
    if (!build.imageTag) return
    setBusy(true)
    deploy(build.serviceId, build.imageTag)
      .then(() => navigation.service(projectId, build.serviceId, 'deployments'))
      .catch((err: unknown) => {
        const e = toApiError(err)
        notify({ tone: 'bad', code: e.code, text: `Could not deploy ${build.imageTag}.`, detail: e.message })
      })
      .finally(() => setBusy(false))
  }
  return (
    <div className="page-fill build-page">
      <section className="card container-head" aria-label={`Build of ${name}`}>
        <div className="container-title">
          <Link
            href={`${paths.service(projectId, build.serviceId, 'builds')}?`}
            className="icon-btn"
            aria-label={`Back to the builds of ${name}`}
            title="All builds"
          >
            <ArrowLeft size={16} aria-hidden="true" />
          </Link>
          <h2 data-testid="build-title">
            Build of {name} at <code title={build.ref}>{refText(build.ref)}</code>
          </h2>
          <StatusChip tone={STATUS_TONE[build.status]} state={build.status} testId="build-status">
            {build.status}
          </StatusChip>
          <div className="toolbar-end">
            {active && build.jobId && (
              <button type="button" className="btn" disabled={!can.allowed || busy} title={can.reason} onClick={cancel}>
                <X size={14} aria-hidden="true" /> Cancel build
              </button>
            )}
            {build.status === 'succeeded' && build.imageTag && (
              <button
                type="button"
                className={`btn ${build.deployAfter ? '' : 'primary'}`}
                disabled={!can.allowed || busy}
                title={can.reason ?? `Run ${build.imageTag} with a health-checked deployment`}
                onClick={deployImage}
              >
                <Rocket size={14} aria-hidden="true" /> Deploy this image
              </button>
            )}
          </div>
        </div>
        <dl className="container-meta build-meta">
          <div>
            <dt>Commit</dt>
            <dd>
              {build.commit ? (
                <code title={build.commit}>{shortCommit(build.commit)}</code>
              ) : (
                <span className="muted">resolving…</span>
              )}
              {build.commitMessage && <span className="muted"> {build.commitMessage}</span>}
            </dd>
          </div>
          <div>
            <dt>Image</dt>
            <dd className="mono-small wrap-anywhere">{build.imageTag ?? <span className="muted">not yet</span>}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>
              <RelativeTime iso={build.startedAt ?? build.createdAt} /> · {BUILD_TRIGGER_TEXT[build.trigger]}
            </dd>
          </div>
          <div>
            <dt>Took</dt>
            <dd>{active ? 'running…' : formatDuration(build.durationMs)}</dd>
          </div>
          <div>
            <dt>Then</dt>
            <dd>
              {build.deployAfter ? (
                <Link href={`${paths.service(projectId, build.serviceId, 'deployments')}?`} className="link-btn">
                  deploy (see Deployments)
                </Link>
              ) : (
                'no deployment'
              )}
            </dd>
          </div>
        </dl>
        {build.error && (
          <div className="field-error" role="alert">
            <ErrorText code={build.error.code} message={build.error.message} />
          </div>
        )}
      </section>
      <BuildLogView buildId={build.id} active={active} fileName={`build-${name}-${build.id}`} />
    </div>
  )
}
