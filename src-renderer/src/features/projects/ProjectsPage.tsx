import { Plus } from 'lucide-react'
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import { RelativeTime } from '../../components/RelativeTime'
import { PermittedButton } from '../connection/PermittedButton'
import { AddHostDialogLoader } from '../hosts/AddHostDialogLoader'
import { useHostsStore } from '../hosts/hosts-store'
import { navigation, useQueryParam } from '../shell/use-route'
import { NewProjectDialog } from './NewProjectDialog'
import { useProjectsStore } from './projects-store'
import { stateCounts } from './service-labels'
import './projects.css'

/** Every project on every host: what runs where, and what has drifted from its spec. */
export function ProjectsPage() {
  const { projects, status, error, load, watch } = useProjectsStore(
    useShallow((s) => ({ projects: s.projects, status: s.status, error: s.error, load: s.load, watch: s.watch })),
  )
  const hosts = useHostsStore((s) => s.hosts)
  const hostsStatus = useHostsStore((s) => s.status)
  const [hostFilter, setHostFilter] = useQueryParam('host')
  const [creating, setCreating] = useState(false)
  const [addingHost, setAddingHost] = useState(false)
  useEffect(() => watch(), [watch])
  const hostName = (id: string): string => hosts.find((h) => h.id === id)?.name ?? 'removed host'
  const shown = hostFilter ? projects.filter((p) => p.hostId === hostFilter) : projects

  let body: React.ReactNode
  if (status === 'error' && error) body = <ErrorState error={error} onRetry={() => void load()} />
  else if (status === 'loading' || hostsStatus === 'loading') body = <Loading label="Loading projects…" />
  else if (hosts.length === 0) {
    body = (
      <EmptyState title="Add a host first">
        <p>A project runs its services on one Docker host. Add the engine on this computer or a server over SSH.</p>
        <PermittedButton permission="admin" className="btn primary" onClick={() => setAddingHost(true)}>
          <Plus size={14} aria-hidden="true" /> Add host
        </PermittedButton>
      </EmptyState>
    )
  } else if (projects.length === 0) {
    body = (
      <EmptyState title="No projects yet">
        <p>
          A project groups the services of one application on a host: describe each service once (image, env, ports,
          volumes), and glinrdock creates and keeps its container. You can also import a compose file or adopt
          containers that already run.
        </p>
        <PermittedButton permission="operate" className="btn primary" onClick={() => setCreating(true)}>
          <Plus size={14} aria-hidden="true" /> New project
        </PermittedButton>
      </EmptyState>
    )
  } else if (shown.length === 0) {
    body = <EmptyState title="No projects on this host">Show all hosts to see the others.</EmptyState>
  } else {
    body = (
      <div className="table-wrap">
        <table className="table" aria-label="Projects">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Host</th>
              <th scope="col">Services</th>
              <th scope="col">State</th>
              <th scope="col">Drift</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((project) => (
              <tr key={project.id} data-testid="project-row" data-project-id={project.id}>
                <td>
                  <button
                    type="button"
                    className="link-btn"
                    aria-label={`Open project ${project.name}`}
                    onClick={() => navigation.project(project.id)}
                  >
                    {project.name}
                  </button>
                </td>
                <td>{hostName(project.hostId)}</td>
                <td>{project.serviceCount}</td>
                <td>
                  <span className="chip-row">
                    {stateCounts(project.states).map((c) => (
                      <StatusChip key={c.state} tone={c.tone} state={c.state}>
                        {c.count} {c.text}
                      </StatusChip>
                    ))}
                    {project.serviceCount === 0 && <span className="muted">no services</span>}
                  </span>
                </td>
                <td>
                  {project.driftCount > 0 ? (
                    <StatusChip tone="warn" state="drifted">
                      {project.driftCount} drifted
                    </StatusChip>
                  ) : (
                    <span className="muted">in sync</span>
                  )}
                </td>
                <td>
                  <RelativeTime iso={project.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )
  }

  return (
    <section className="card stack" aria-labelledby="projects-heading">
      <div className="card-head">
        <h2 id="projects-heading">All projects</h2>
        <div className="toolbar">
          {hosts.length > 1 && (
            <label className="inline-field">
              <span className="muted">Host</span>
              <select value={hostFilter} onChange={(event) => setHostFilter(event.target.value)}>
                <option value="">All hosts</option>
                {hosts.map((host) => (
                  <option key={host.id} value={host.id}>
                    {host.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {hosts.length > 0 && (
            <PermittedButton permission="operate" className="btn primary" onClick={() => setCreating(true)}>
              <Plus size={14} aria-hidden="true" /> New project
            </PermittedButton>
          )}
        </div>
      </div>
      {body}
      <NewProjectDialog open={creating} onClose={() => setCreating(false)} hostId={hostFilter || undefined} />
      <AddHostDialogLoader open={addingHost} onOpenChange={setAddingHost} />
    </section>
  )
}
