import { lazy, Suspense, useEffect } from 'react'
import { useLocation } from 'wouter'
import { EmptyState, Loading } from '../../components/States'
import { useNavigationStore } from './navigation-store'
import { ViewErrorBoundary } from './ViewErrorBoundary'
import { navigation, useRoute } from './use-route'

// One chunk per view: the dashboard loads without xterm, uPlot or the tables of the host page.
const DashboardPage = lazy(() => import('../dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })))
const HostsPage = lazy(() => import('../hosts/HostsPage').then((m) => ({ default: m.HostsPage })))
const HostPage = lazy(() => import('../hosts/HostPage').then((m) => ({ default: m.HostPage })))
const ContainerPage = lazy(() => import('../containers/ContainerPage').then((m) => ({ default: m.ContainerPage })))
const ProjectsPage = lazy(() => import('../projects/ProjectsPage').then((m) => ({ default: m.ProjectsPage })))
const ProjectPage = lazy(() => import('../projects/ProjectPage').then((m) => ({ default: m.ProjectPage })))
const ServicePage = lazy(() => import('../projects/ServicePage').then((m) => ({ default: m.ServicePage })))
const BuildPage = lazy(() => import('../cicd/BuildPage').then((m) => ({ default: m.BuildPage })))
const JobsPage = lazy(() => import('../jobs/JobsPage').then((m) => ({ default: m.JobsPage })))
const CertsPage = lazy(() => import('../routes/CertsPage').then((m) => ({ default: m.CertsPage })))
const SettingsPage = lazy(() => import('../settings/SettingsPage').then((m) => ({ default: m.SettingsPage })))

export function ViewOutlet() {
  const route = useRoute()
  const [location] = useLocation()
  const remember = useNavigationStore((s) => s.remember)
  useEffect(() => {
    if (route.hostId) remember(route.hostId)
  }, [route.hostId, remember])
  return (
    <ViewErrorBoundary resetKey={location.split('?')[0]!}>
      <Suspense fallback={<Loading label="Loading…" />}>
        <View />
      </Suspense>
    </ViewErrorBoundary>
  )
}

function View() {
  const { view, hostId, containerId, hostTab, containerTab, projectId, serviceId, serviceTab, buildId } = useRoute()
  switch (view) {
    case 'dashboard':
      return <DashboardPage />
    case 'hosts':
      return <HostsPage />
    case 'host':
      return <HostPage key={hostId} hostId={hostId!} tab={hostTab} />
    case 'container':
      return (
        <ContainerPage
          key={`${hostId}/${containerId}`}
          hostId={hostId!}
          containerId={containerId!}
          tab={containerTab}
        />
      )
    case 'projects':
      return <ProjectsPage />
    case 'project':
      return <ProjectPage key={projectId} projectId={projectId!} />
    case 'service':
      return (
        <ServicePage key={`${projectId}/${serviceId}`} projectId={projectId!} serviceId={serviceId!} tab={serviceTab} />
      )
    case 'build':
      return <BuildPage key={buildId} projectId={projectId!} serviceId={serviceId!} buildId={buildId!} />
    case 'jobs':
      return <JobsPage />
    case 'certs':
      return <CertsPage />
    case 'settings':
      return <SettingsPage />
    case 'not-found':
      return (
        <EmptyState title="Nothing at this address">
          <p>The link may be old, or the host, container or project it named is gone.</p>
          <button type="button" className="btn" onClick={navigation.dashboard}>
            Go to the dashboard
          </button>
        </EmptyState>
      )
  }
}
