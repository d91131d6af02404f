import { LayoutDashboard, LogOut, Settings } from 'lucide-react'
import { StatusChip, type Tone } from '../../components/StatusChip'
import { useConnectionStore } from '../connection/connection-store'
import { DashboardPage } from '../dashboard/DashboardPage'
import { SettingsPage } from '../settings/SettingsPage'
import { useNavigationStore, type View } from './navigation-store'

const NAV: { view: View; label: string; icon: typeof Settings }[] = [
  { view: 'dashboard', label: 'Dashboard', icon: LayoutDashboard },
  { view: 'settings', label: 'Settings', icon: Settings },
]

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
  const [tone, label] = CONNECTION_LABEL[status] ?? ['neutral', status]
  const current = NAV.find((item) => item.view === view)!
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">glinrdock</div>
        <ul>
          {NAV.map(({ view: target, label: text, icon: Icon }) => (
            <li key={target}>
              <button
                type="button"
                className={`nav-item ${view === target ? 'active' : ''}`}
                aria-current={view === target ? 'page' : undefined}
                onClick={() => go(target)}
              >
                <Icon size={16} aria-hidden="true" /> {text}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="main">
        <header className="header">
          <h1>{current.label}</h1>
          <div className="header-right">
            <span className="muted">{transportKind === 'ipc' ? 'This computer' : 'Headless server'}</span>
            <StatusChip tone={tone}>{label}</StatusChip>
            {transportKind === 'websocket' && (
              <button type="button" className="icon-btn" onClick={logout} aria-label="Sign out" title="Sign out">
                <LogOut size={16} aria-hidden="true" />
              </button>
            )}
          </div>
        </header>
        <main className="content">{view === 'dashboard' ? <DashboardPage /> : <SettingsPage />}</main>
      </div>
    </div>
  )
}
