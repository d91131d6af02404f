import { ChevronRight, LayoutDashboard, LogOut, Server, Settings } from 'lucide-react'
import { useEffect } from 'react'
import { StatusChip, type Tone } from '../../components/StatusChip'
import { useConnectionStore } from '../connection/connection-store'
import { useContainersStore } from '../containers/containers-store'
import { useHostsStore } from '../hosts/hosts-store'
import { HostIndicator } from './HostIndicator'
import { useNavigationStore, type View } from './navigation-store'
import { Notices } from './Notices'
import { ViewOutlet } from './ViewOutlet'

type NavView = 'dashboard' | 'hosts' | 'settings'
const NAV: { view: NavView; label: string; icon: typeof Settings }[] = [
  { view: 'dashboard', label: 'Dashboard', icon: LayoutDashboard },
  { view: 'hosts', label: 'Hosts', icon: Server },
  { view: 'settings', label: 'Settings', icon: Settings },
]
const SECTION: Record<View, NavView> = {
  dashboard: 'dashboard',
  hosts: 'hosts',
  host: 'hosts',
  container: 'hosts',
  settings: 'settings',
}

const CONNECTION_LABEL: Record<string, [Tone, string]> = {
  connected: ['ok', 'Connected'],
  connecting: ['neutral', 'Connecting…'],
  reconnecting: ['warn', 'Reconnecting…'],
  unauthorized: ['bad', 'Token refused'],
  'signed-out': ['neutral', 'Signed out'],
}

export function AppShell() {
  const { view, go } = useNavigationStore()
  const { status, transportKind, logout } = useConnectionStore()
  const watchHosts = useHostsStore((s) => s.watch)
  // The header shows the current host on every screen, so the host list is kept current for the whole session.
  useEffect(() => watchHosts(), [watchHosts])
  const [tone, label] = CONNECTION_LABEL[status] ?? ['neutral', status]
  const section = SECTION[view]
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            g
          </span>
          <span className="brand-text">glinrdock</span>
        </div>
        <ul>
          {NAV.map(({ view: target, label: text, icon: Icon }) => (
            <li key={target}>
              <button
                type="button"
                className={`nav-item ${section === target ? 'active' : ''}`}
                aria-current={section === target ? 'page' : undefined}
                title={text}
                onClick={() => go(target)}
              >
                <Icon size={16} aria-hidden="true" /> <span className="nav-label">{text}</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="main">
        <header className="header">
          <Breadcrumbs />
          <div className="header-right">
            <HostIndicator />
            <div className="header-group" role="group" aria-label="glinrdock link">
              <span className="muted link-kind">{transportKind === 'ipc' ? 'This computer' : 'Headless server'}</span>
              <StatusChip tone={tone} testId="connection-status">
                {label}
              </StatusChip>
            </div>
            {transportKind === 'websocket' && (
              <button type="button" className="icon-btn" onClick={logout} aria-label="Sign out" title="Sign out">
                <LogOut size={16} aria-hidden="true" />
              </button>
            )}
          </div>
        </header>
        <main className={`content ${view === 'host' || view === 'container' ? 'fill' : ''}`}>
          <ViewOutlet />
        </main>
      </div>
      <Notices />
    </div>
  )
}

/** The page title, with the way back (Hosts › host › container) as buttons. */
function Breadcrumbs() {
  const { view, hostId, containerId, go, openHost } = useNavigationStore()
  const host = useHostsStore((s) => s.hosts.find((h) => h.id === hostId))
  const container = useContainersStore((s) =>
    hostId && containerId ? s.byHost[hostId]?.list.find((c) => c.id === containerId) : undefined,
  )
  const titles: Record<View, string> = {
    dashboard: 'Dashboard',
    hosts: 'Hosts',
    host: host?.name ?? 'Host',
    container: container?.name ?? containerId?.slice(0, 12) ?? 'Container',
    settings: 'Settings',
  }
  if (view !== 'host' && view !== 'container') return <h1>{titles[view]}</h1>
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <button type="button" className="link-btn" onClick={() => go('hosts')}>
        Hosts
      </button>
      <ChevronRight size={14} aria-hidden="true" />
      {view === 'container' && hostId ? (
        <>
          <button type="button" className="link-btn" onClick={() => openHost(hostId)}>
            {titles.host}
          </button>
          <ChevronRight size={14} aria-hidden="true" />
          <h1 aria-current="page">{titles.container}</h1>
        </>
      ) : (
        <h1 aria-current="page">{titles.host}</h1>
      )}
    </nav>
  )
}
