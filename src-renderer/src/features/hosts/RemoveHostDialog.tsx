import type { HostSummary } from '../../../../src-preload/contract/hosts'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useNavigationStore } from '../shell/navigation-store'
import { navigation, useRoute } from '../shell/use-route'
import { useHostsStore } from './hosts-store'

/** Confirms by name; the host's containers are not touched, only glinrdock's link and stored credentials. */
export function RemoveHostDialog({ host, onClose }: { host: HostSummary | null; onClose(): void }) {
  const remove = useHostsStore((s) => s.remove)
  const forget = useNavigationStore((s) => s.forget)
  const route = useRoute()
  return (
    <ConfirmDialog
      open={host !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Remove host ${host?.name ?? ''}?`}
      description={
        host
          ? `glinrdock disconnects from “${host.name}” and forgets its connection settings and stored credentials. ` +
            'Containers on it keep running.'
          : ''
      }
      confirmLabel={`Remove ${host?.name ?? ''}`}
      onConfirm={async () => {
        if (!host) return
        await remove(host.id)
        forget(host.id)
        if (route.hostId === host.id) navigation.hosts()
      }}
    />
  )
}
