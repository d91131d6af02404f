import { ChevronRight, Layers, LayoutDashboard, ListChecks, LogOut, Server, Settings, ShieldCheck } from 'lucide-react'
import { useEffect } from 'react'
import { Link } from 'wouter'
import { StatusChip, type Tone } from '../../components/StatusChip'
import { useConnectionStore } from '../connection/connection-store'
import { useContainersStore } from '../containers/containers-store'
import { useHostsStore } from '../hosts/hosts-store'
import { useProjectsStore } from '../projects/projects-store'
import { NotificationsBell } from '../notifications/NotificationsBell'
import { HostIndicator } from './HostIndicator'
import { paths, sectionOf } from './routes'
import { useRoute } from './use-route'
import { Notices } from './Notices'
import { ViewOutlet } from './ViewOutlet'

const NAV = [
  { section: 'dashboard', href: paths.dashboard(), label: 'Dashboard', icon: LayoutDashboard },
  { section: 'hosts', href: paths.hosts(), label: 'Hosts', icon: Server },
  { section: 'projects', href: paths.projects(), label: 'Projects', icon: Layers },
  { section: 'jobs', href: paths.jobs(), label: 'Jobs', icon: ListChecks },
  { section: 'certs', href: paths.certs(), label: 'Certificates', icon: ShieldCheck },
  { section: 'settings', href: paths.settings(), label: 'Settings', icon: Settings },
] as const

const CONNECTION_LABEL: Record<string, [Tone, string]> = {
  connected: ['ok', 'Connected'],
  connecting: ['neutral', 'Connecting…'],
  reconnecting: ['warn', 'Reconnecting…'],
  unauthorized: ['bad', 'Token refused'],
  'signed-out': ['neutral', 'Signed out'],
}

export function AppShell() {
  const { view } = useRoute()
  const { status, transportKind, logout } = useConnectionStore()
  const watchHosts = useHostsStore((s) => s.watch)
  // The header shows the current host on every screen, so the host list is kept current for the whole session.
  useEffect(() => watchHosts(), [watchHosts])
  const [tone, label] = CONNECTION_LABEL[status] ?? ['neutral', status]
  const section = sectionOf(view)
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
          {NAV.map(({ section: target, href, label: text, icon: Icon }) => (
            <li key={target}>
              <Link
                href={`${href}?`}
                className={`nav-item ${section === target ? 'active' : ''}`}
                aria-current={section === target ? 'page' : undefined}
                title={text}
              >
                <Icon size={16} aria-hidden="true" /> <span className="nav-label">{text}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="main">
        <header className="header">
          <Breadcrumbs />
          <div className="header-right">
            <HostIndicator />
            <NotificationsBell />
            <div className="header-group" role="group" aria-label="glinrdock link">
              <span className="muted link-kind">{transportKind === 'ipc' ? 'This computer' : 'Headless server'}</span>
              <span className="muted link-kind-short">glinrdock</span>
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
        <main
          className={`content ${view === 'host' || view === 'container' || view === 'service' || view === 'build' ? 'fill' : ''}`}
        >
          <ViewOutlet />
        </main>
      </div>
      <Notices />
    </div>
  )
}

/** The page title, with the way back (Hosts › host › container) as links. */
function Breadcrumbs() {
  const { view, hostId, containerId } = useRoute()
  const host = useHostsStore((s) => s.hosts.find((h) => h.id === hostId))
  const container = useContainersStore((s) =>
    hostId && containerId
      ? s.byHost[hostId]?.list.find((c) => c.id === containerId || c.name === containerId)
      : undefined,
  )
  const hostTitle = host?.name ?? 'Host'
  const titles = {
    dashboard: 'Dashboard',
    hosts: 'Hosts',
    projects: 'Projects',
    jobs: 'Jobs',
    certs: 'Certificates',
    settings: 'Settings',
    'not-found': 'Not found',
  } as const
  if (view === 'project' || view === 'service' || view === 'build') return <ProjectBreadcrumbs />
  if (view !== 'host' && view !== 'container') return <h1>{titles[view]}</h1>
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <Link href={`${paths.hosts()}?`} className="link-btn">
        Hosts
      </Link>
      <ChevronRight size={14} aria-hidden="true" />
      {view === 'container' && hostId ? (
        <>
          <Link href={`${paths.host(hostId)}?`} className="link-btn">
            {hostTitle}
          </Link>
          <ChevronRight size={14} aria-hidden="true" />
          <h1 aria-current="page">{container?.name ?? containerId?.slice(0, 12) ?? 'Container'}</h1>
        </>
      ) : (
        <h1 aria-current="page">{hostTitle}</h1>
      )}
    </nav>
  )
}

/** Projects › project › service. */
function ProjectBreadcrumbs() {
  const { view, projectId, serviceId } = useRoute()
  const project = useProjectsStore((s) => s.projects.find((p) => p.id === projectId))
  const service = useProjectsStore((s) =>
    projectId && serviceId ? s.services[projectId]?.list.find((x) => x.id === serviceId) : undefined,
  )
  const projectTitle = project?.name ?? 'Project'
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <Link href={`${paths.projects()}?`} className="link-btn">
        Projects
      </Link>
      <ChevronRight size={14} aria-hidden="true" />
      {view === 'build' && projectId && serviceId ? (
        <>
          <Link href={`${paths.project(projectId)}?`} className="link-btn">
            {projectTitle}
          </Link>
          <ChevronRight size={14} aria-hidden="true" />
          <Link href={`${paths.service(projectId, serviceId, 'builds')}?`} className="link-btn">
            {service?.spec.name ?? 'Service'}
          </Link>
          <ChevronRight size={14} aria-hidden="true" />
          <h1 aria-current="page">Build</h1>
        </>
      ) : view === 'service' && projectId ? (
        <>
          <Link href={`${paths.project(projectId)}?`} className="link-btn">
            {projectTitle}
          </Link>
          <ChevronRight size={14} aria-hidden="true" />
          <h1 aria-current="page">{service?.spec.name ?? 'Service'}</h1>
        </>
      ) : (
        <h1 aria-current="page">{projectTitle}</h1>
      )}
    </nav>
  )
}
