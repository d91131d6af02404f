import { lazy, Suspense, useEffect } from 'react'
import { EmptyState, Loading } from '../../components/States'
import { useNavigationStore } from './navigation-store'
import { navigation, useRoute } from './use-route'

// One chunk per view: the dashboard loads without xterm, uPlot or the tables of the host page.
const DashboardPage = lazy(() => import('../dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })))
const HostsPage = lazy(() => import('../hosts/HostsPage').then((m) => ({ default: m.HostsPage })))
const HostPage = lazy(() => import('../hosts/HostPage').then((m) => ({ default: m.HostPage })))
const ContainerPage = lazy(() => import('../containers/ContainerPage').then((m) => ({ default: m.ContainerPage })))
const JobsPage = lazy(() => import('../jobs/JobsPage').then((m) => ({ default: m.JobsPage })))
const SettingsPage = lazy(() => import('../settings/SettingsPage').then((m) => ({ default: m.SettingsPage })))

export function ViewOutlet() {
  const route = useRoute()
  const remember = useNavigationStore((s) => s.remember)
  useEffect(() => {
    if (route.hostId) remember(route.hostId)
  }, [route.hostId, remember])
  return (
    <Suspense fallback={<Loading label="Loading…" />}>
      <View />
    </Suspense>
  )
}

function View() {
  const { view, hostId, containerId, hostTab, containerTab } = useRoute()
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
    case 'jobs':
      return <JobsPage />
    case 'settings':
      return <SettingsPage />
    case 'not-found':
      return (
        <EmptyState title="Nothing at this address">
          <p>The link may be old, or the host or container it named is gone.</p>
          <button type="button" className="btn" onClick={navigation.dashboard}>
            Go to the dashboard
          </button>
        </EmptyState>
      )
  }
}
