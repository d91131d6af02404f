import { Boxes, FileDown, FileUp, Play, Plus, Square, Trash2 } from 'lucide-react'
import { lazy, Suspense, useEffect, useState } from 'react'
import { Link } from 'wouter'
import type { ProjectSummary, ServiceSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { PermittedButton } from '../connection/PermittedButton'
import { useHostsStore } from '../hosts/hosts-store'
import { useNavigationStore } from '../shell/navigation-store'
import { useNoticesStore } from '../shell/notices-store'
import { paths } from '../shell/routes'
import { navigation } from '../shell/use-route'
import { ProjectJobs } from './ProjectJobs'
import { EMPTY_SERVICES, useProjectsStore } from './projects-store'
import { RemoveProjectDialog } from './RemoveProjectDialog'
import { ServicesTable } from './ServicesTable'
import './projects.css'

// The long forms and their schemas load when first opened.
const ServiceFormDialog = lazy(() => import('./ServiceFormDialog').then((m) => ({ default: m.ServiceFormDialog })))
const ImportComposeDialog = lazy(() =>
  import('./ImportComposeDialog').then((m) => ({ default: m.ImportComposeDialog })),
)
const AdoptDialog = lazy(() => import('./AdoptDialog').then((m) => ({ default: m.AdoptDialog })))
const ExportComposeDialog = lazy(() =>
  import('./ExportComposeDialog').then((m) => ({ default: m.ExportComposeDialog })),
)

type DialogName = 'add' | 'import' | 'adopt' | 'export' | 'remove' | null

export function ProjectPage({ projectId }: { projectId: string }) {
  const watchProject = useProjectsStore((s) => s.watchProject)
  const loadProject = useProjectsStore((s) => s.loadProject)
  const project = useProjectsStore((s) => s.projects.find((p) => p.id === projectId))
  const services = useProjectsStore((s) => s.services[projectId]) ?? EMPTY_SERVICES
  const remember = useNavigationStore((s) => s.remember)
  useEffect(() => watchProject(projectId), [watchProject, projectId])
  // The header shows the host the user works on: here, the project's.
  useEffect(() => {
    if (project) remember(project.hostId)
  }, [project, remember])

  if (services.status === 'error' && services.error) {
    if (services.error.code === 'not_found') return <ProjectGone />
    return <ErrorState error={services.error} onRetry={() => void loadProject(projectId)} />
  }
  if (services.status === 'loading' || !project) return <Loading label="Loading project…" />
  return <ProjectView project={project} services={services.list} />
}

function ProjectGone() {
  return (
    <EmptyState title="This project is gone">
      <p>It was removed, here or elsewhere.</p>
      <button type="button" className="btn" onClick={navigation.projects}>
        Back to projects
      </button>
    </EmptyState>
  )
}

function ProjectView({ project, services }: { project: ProjectSummary; services: ServiceSummary[] }) {
  const [dialog, setDialog] = useState<DialogName>(null)
  const host = useHostsStore((s) => s.hosts.find((h) => h.id === project.hostId))
  const { startAll, stopAll } = useProjectsStore.getState()
  const notify = useNoticesStore((s) => s.notify)
  const close = (): void => setDialog(null)
  const run = (what: 'start' | 'stop'): void => {
    const action = what === 'start' ? startAll(project.id) : stopAll(project.id)
    action
      .then(() =>
        notify({ tone: 'ok', text: what === 'start' ? `Starting ${project.name}…` : `Stopped ${project.name}` }),
      )
      .catch((err: unknown) => {
        const e = toApiError(err)
        notify({ tone: 'bad', code: e.code, text: `Could not ${what} ${project.name}.`, detail: e.message })
      })
  }
  const empty = services.length === 0
  return (
    <div className="stack">
      <section className="card project-head" aria-label={`Project ${project.name}`}>
        <div className="project-head-main">
          <div className="project-title">
            <h2 data-testid="project-name">{project.name}</h2>
            <div className="container-meta">
              <span>
                <span className="muted">Host</span>{' '}
                {host ? (
                  <Link href={`${paths.host(host.id)}?`} className="link-btn">
                    {host.name}
                  </Link>
                ) : (
                  'removed host'
                )}
              </span>
              <span>
                <span className="muted">Network</span> <code>{project.network}</code>
              </span>
              <span>
                <span className="muted">Services</span> {services.length}
              </span>
            </div>
          </div>
          <div className="toolbar">
            <PermittedButton permission="operate" className="btn" disabled={empty} onClick={() => run('start')}>
              <Play size={14} aria-hidden="true" /> Start all
            </PermittedButton>
            <PermittedButton permission="operate" className="btn" disabled={empty} onClick={() => run('stop')}>
              <Square size={14} aria-hidden="true" /> Stop all
            </PermittedButton>
            <button type="button" className="btn" disabled={empty} onClick={() => setDialog('export')}>
              <FileDown size={14} aria-hidden="true" /> Export compose
            </button>
            <PermittedButton permission="operate" className="btn danger" onClick={() => setDialog('remove')}>
              <Trash2 size={14} aria-hidden="true" /> Delete
            </PermittedButton>
          </div>
        </div>
      </section>
      <ProjectJobs hostId={project.hostId} projectId={project.id} services={services} />
      <section className="card stack" aria-labelledby="services-heading">
        <div className="card-head">
          <h2 id="services-heading">Services</h2>
          <div className="toolbar">
            <PermittedButton permission="operate" className="btn primary" onClick={() => setDialog('add')}>
              <Plus size={14} aria-hidden="true" /> Add service
            </PermittedButton>
            <PermittedButton permission="operate" className="btn" onClick={() => setDialog('import')}>
              <FileUp size={14} aria-hidden="true" /> Import compose
            </PermittedButton>
            <PermittedButton permission="operate" className="btn" onClick={() => setDialog('adopt')}>
              <Boxes size={14} aria-hidden="true" /> Adopt containers
            </PermittedButton>
          </div>
        </div>
        {empty ? (
          <EmptyState title="No services yet">
            Add a service from an image or a git repository, import a compose file, or adopt containers already running
            on {host?.name ?? 'the host'}.
          </EmptyState>
        ) : (
          <ServicesTable projectId={project.id} services={services} />
        )}
      </section>
      <Suspense fallback={null}>
        {dialog === 'add' && (
          <ServiceFormDialog projectId={project.id} services={services} service={null} onClose={close} />
        )}
        {dialog === 'import' && <ImportComposeDialog project={project} onClose={close} />}
        {dialog === 'adopt' && <AdoptDialog project={project} onClose={close} />}
        {dialog === 'export' && <ExportComposeDialog project={project} onClose={close} />}
      </Suspense>
      <RemoveProjectDialog
        project={dialog === 'remove' ? project : null}
        services={services}
        onClose={close}
        onRemoved={navigation.projects}
      />
    </div>
  )
}
