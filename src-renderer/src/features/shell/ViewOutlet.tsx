import { ContainerPage } from '../containers/ContainerPage'
import { DashboardPage } from '../dashboard/DashboardPage'
import { HostPage } from '../hosts/HostPage'
import { HostsPage } from '../hosts/HostsPage'
import { SettingsPage } from '../settings/SettingsPage'
import { useNavigationStore } from './navigation-store'

export function ViewOutlet() {
  const { view, hostId, containerId } = useNavigationStore()
  switch (view) {
    case 'dashboard':
      return <DashboardPage />
    case 'hosts':
      return <HostsPage />
    case 'host':
      return hostId ? <HostPage key={hostId} hostId={hostId} /> : <HostsPage />
    case 'container':
      return hostId && containerId ? (
        <ContainerPage key={`${hostId}/${containerId}`} hostId={hostId} containerId={containerId} />
      ) : (
        <HostsPage />
      )
    case 'settings':
      return <SettingsPage />
  }
}
