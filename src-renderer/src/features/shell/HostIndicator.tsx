import { HostStateChip } from '../../components/StateChip'
import { useHostsStore } from '../hosts/hosts-store'
import { useCurrentHostId } from './navigation-store'
import { navigation } from './use-route'

/** Which host the user is on, and its link state; switching here opens that host's page. */
export function HostIndicator() {
  const hosts = useHostsStore((s) => s.hosts)
  const hostId = useCurrentHostId()
  const host = hosts.find((h) => h.id === hostId)
  if (hosts.length === 0) return null
  return (
    <div className="host-indicator header-group" role="group" aria-label="Current host" data-testid="header-host">
      <span className="muted">Host</span>
      <select
        aria-label="Switch host"
        value={host?.id ?? ''}
        onChange={(event) => event.target.value && navigation.host(event.target.value)}
      >
        {!host && <option value="">Choose a host…</option>}
        {hosts.map((h) => (
          <option key={h.id} value={h.id}>
            {h.name}
          </option>
        ))}
      </select>
      {host && <HostStateChip host={host} testId="header-host-state" />}
    </div>
  )
}
