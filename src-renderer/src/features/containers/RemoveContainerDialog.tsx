import { useId, useState } from 'react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { shortId } from '../../lib/format'
import { useContainersStore } from './containers-store'

interface RemoveContainerDialogProps {
  hostId: string
  container: ContainerSummary | null
  onClose(): void
  onRemoved?(): void
}

/** Names the container; "force" kills a running one first (the engine refuses otherwise). */
export function RemoveContainerDialog({ hostId, container, onClose, onRemoved }: RemoveContainerDialogProps) {
  const run = useContainersStore((s) => s.run)
  const [force, setForce] = useState(false)
  const forceId = useId()
  // The engine refuses to remove a running container without force: the option is the only way, so it is on.
  const mustForce = container?.state === 'running' || container?.state === 'restarting' || container?.state === 'paused'
  return (
    <ConfirmDialog
      open={container !== null}
      onOpenChange={(open) => {
        if (open) return
        setForce(false)
        onClose()
      }}
      title={`Remove container ${container?.name ?? ''}?`}
      description={
        container
          ? `“${container.name}” (${shortId(container.id)}) and its writable layer are deleted. Named volumes are kept.`
          : ''
      }
      confirmLabel={`Remove ${container?.name ?? ''}`}
      onConfirm={async () => {
        if (!container) return
        await run(hostId, container.id, 'remove', { force: force || mustForce })
        onRemoved?.()
      }}
    >
      <div className="checkbox">
        <input
          id={forceId}
          type="checkbox"
          checked={force || mustForce}
          disabled={mustForce}
          onChange={(event) => setForce(event.target.checked)}
        />
        <label htmlFor={forceId}>
          {mustForce ? 'Force: it is running, so it is killed first' : 'Force (kill it first if it is running)'}
        </label>
      </div>
    </ConfirmDialog>
  )
}
