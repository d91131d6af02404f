import type { ServiceStatus } from '../../../../src-preload/contract/projects'
import { StatusChip } from '../../components/StatusChip'
import { useLinkUp } from '../connection/connection-store'
import { useHostsStore } from '../hosts/hosts-store'
import { stateView } from './service-labels'

/** The service's state and, when it has a health check, its health; "last known" while its host is away. */
export function ServiceStateChip({ status, hostId }: { status: ServiceStatus; hostId: string }) {
  const linkUp = useLinkUp()
  const hostUp = useHostsStore((s) => s.hosts.find((h) => h.id === hostId)?.state === 'connected')
  const { tone, text } = stateView(status)
  // A service the server has not observed yet also comes without `live`; only a host that is away makes it stale.
  const stale = !status.live && !hostUp
  if (!linkUp) {
    return (
      <StatusChip
        tone="neutral"
        state="unknown"
        title="Not connected to glinrdock: the last known state may be out of date"
      >
        Unknown
      </StatusChip>
    )
  }
  return (
    <span className="service-state">
      <StatusChip
        tone={stale ? 'neutral' : tone}
        state={status.state}
        testId="service-state"
        title={stale ? 'The host is not reachable: this is the last known state' : undefined}
      >
        {text}
        {stale && ' (last known)'}
      </StatusChip>
      {status.health && (
        <StatusChip
          tone={status.health === 'healthy' ? 'ok' : status.health === 'unhealthy' ? 'bad' : 'neutral'}
          state={status.health}
        >
          {status.health}
        </StatusChip>
      )}
    </span>
  )
}
