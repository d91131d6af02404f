import { Pencil, Trash2 } from 'lucide-react'
import { lazy, Suspense, useEffect, useState } from 'react'
import type { ProjectSummary, ServiceSummary } from '../../../../src-preload/contract/projects'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { Tabs, type TabItem } from '../../components/Tabs'
import { CicdActions } from '../cicd/CicdActions'
import { PermittedButton } from '../connection/PermittedButton'
import { useNavigationStore } from '../shell/navigation-store'
import { paths, type ServiceTab } from '../shell/routes'
import { navigation } from '../shell/use-route'
import { ServiceJobs } from './ProjectJobs'
import { EMPTY_SERVICES, useProjectsStore } from './projects-store'
import { RemoveServiceDialog } from './RemoveServiceDialog'
import { ServiceActions } from './ServiceActions'
import { ServiceOverview } from './ServiceOverview'
import { ServiceStateChip } from './ServiceStateChip'
import { SpecSummary } from './SpecSummary'
import './projects.css'

// The container tabs bring xterm and uPlot; the form its schemas.
const ServiceContainerTab = lazy(() =>
  import('./ServiceContainerTab').then((m) => ({ default: m.ServiceContainerTab })),
)
const ServiceFormDialog = lazy(() => import('./ServiceFormDialog').then((m) => ({ default: m.ServiceFormDialog })))
const DeploymentsTab = lazy(() => import('../cicd/DeploymentsTab').then((m) => ({ default: m.DeploymentsTab })))
const ServiceRoutesTab = lazy(() => import('../routes/ServiceRoutesTab').then((m) => ({ default: m.ServiceRoutesTab })))
const BuildsTab = lazy(() => import('../cicd/BuildsTab').then((m) => ({ default: m.BuildsTab })))

const TABS: TabItem<ServiceTab>[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'deployments', label: 'Deployments' },
  { id: 'builds', label: 'Builds' },
  { id: 'routes', label: 'Routes' },
  { id: 'logs', label: 'Logs' },
  { id: 'stats', label: 'Stats' },
  { id: 'terminal', label: 'Terminal' },
  { id: 'spec', label: 'Spec' },
]

interface ServicePageProps {
  projectId: string
  serviceId: string
  tab: ServiceTab
}

export function ServicePage({ projectId, serviceId, tab }: ServicePageProps) {
  const watchProject = useProjectsStore((s) => s.watchProject)
  const loadProject = useProjectsStore((s) => s.loadProject)
  const project = useProjectsStore((s) => s.projects.find((p) => p.id === projectId))
  const services = useProjectsStore((s) => s.services[projectId]) ?? EMPTY_SERVICES
  const remember = useNavigationStore((s) => s.remember)
  useEffect(() => watchProject(projectId), [watchProject, projectId])
  useEffect(() => {
    if (project) remember(project.hostId)
  }, [project, remember])
  const service = services.list.find((s) => s.id === serviceId)

  if (services.status === 'error' && services.error && services.error.code !== 'not_found')
    return <ErrorState error={services.error} onRetry={() => void loadProject(projectId)} />
  if (services.status === 'loading') return <Loading label="Loading service…" />
  if (!project || !service) {
    return (
      <EmptyState title="This service is gone">
        <p>It was deleted, or its project was.</p>
        <button
          type="button"
          className="btn"
          onClick={() => (project ? navigation.project(projectId) : navigation.projects())}
        >
          {project ? `Back to ${project.name}` : 'Back to projects'}
        </button>
      </EmptyState>
    )
  }
  return <ServiceView project={project} service={service} services={services.list} tab={tab} />
}

function ServiceView({
  project,
  service,
  services,
  tab,
}: {
  project: ProjectSummary
  service: ServiceSummary
  services: ServiceSummary[]
  tab: ServiceTab
}) {
  const [editing, setEditing] = useState(false)
  const [removing, setRemoving] = useState(false)
  const setTab = (next: ServiceTab): void => navigation.replace(paths.service(project.id, service.id, next))
  const { spec, status } = service
  return (
    <div className="page-fill">
      <section className="card container-head" aria-label={`Service ${spec.name}`}>
        <div className="container-title">
          <h2 data-testid="service-name">{spec.name}</h2>
          <ServiceStateChip status={status} hostId={service.hostId} />
          <span className="muted">
            {service.desiredState === 'running' ? 'should run' : 'should be stopped'}
            {service.origin === 'adopted' ? ' · adopted' : ''}
          </span>
          <div className="toolbar-end">
            <CicdActions service={service} />
            <ServiceActions service={service} />
            <PermittedButton permission="operate" className="btn" onClick={() => setEditing(true)}>
              <Pencil size={14} aria-hidden="true" /> Edit
            </PermittedButton>
            <PermittedButton permission="operate" className="btn danger" onClick={() => setRemoving(true)}>
              <Trash2 size={14} aria-hidden="true" /> Delete
            </PermittedButton>
          </div>
        </div>
      </section>
      <ServiceJobs serviceId={service.id} />
      <Tabs<ServiceTab> label="Service views" items={TABS} value={tab} onChange={setTab} idPrefix="service">
        <Suspense fallback={<Loading label="Loading…" />}>
          {tab === 'overview' && <ServiceOverview service={service} />}
          {tab === 'deployments' && <DeploymentsTab service={service} />}
          {tab === 'builds' && <BuildsTab service={service} />}
          {tab === 'routes' && <ServiceRoutesTab service={service} />}
          {(tab === 'logs' || tab === 'stats' || tab === 'terminal') && (
            <ServiceContainerTab key={tab} service={service} tab={tab} />
          )}
          {tab === 'spec' && (
            <section className="card" aria-label="Spec">
              <SpecSummary spec={spec} full />
            </section>
          )}
        </Suspense>
      </Tabs>
      <Suspense fallback={null}>
        {editing && (
          <ServiceFormDialog
            projectId={project.id}
            services={services}
            service={service}
            onClose={() => setEditing(false)}
          />
        )}
      </Suspense>
      <RemoveServiceDialog
        service={removing ? service : null}
        onClose={() => setRemoving(false)}
        onRemoved={() => navigation.project(project.id)}
      />
    </div>
  )
}
