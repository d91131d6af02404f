import { useId, useState } from 'react'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useProjectsStore } from './projects-store'

/** Names the service and its container; its named volumes go only when asked. */
export function RemoveServiceDialog({
  service,
  onClose,
  onRemoved,
}: {
  service: ServiceSummary | null
  onClose(): void
  onRemoved(): void
}) {
  const run = useProjectsStore((s) => s.runService)
  const [volumes, setVolumes] = useState(false)
  const volumesId = useId()
  const name = service?.spec.name ?? ''
  const named = service?.spec.volumes.filter((v) => v.type === 'volume' && v.source).map((v) => v.source!) ?? []
  return (
    <ConfirmDialog
      open={service !== null}
      onOpenChange={(open) => {
        if (open) return
        setVolumes(false)
        onClose()
      }}
      title={`Delete service ${name}?`}
      description={
        service
          ? `“${name}” is deleted${service.status.containerName ? ` with its container ${service.status.containerName}` : ''}. Its named volumes are kept unless you tick the box.`
          : ''
      }
      confirmLabel={`Delete ${name}`}
      busyLabel="Stopping and removing…"
      onConfirm={async () => {
        if (!service) return
        await run(service, 'remove', { volumes })
        onRemoved()
      }}
    >
      <div className="checkbox">
        <input id={volumesId} type="checkbox" checked={volumes} onChange={(e) => setVolumes(e.target.checked)} />
        <label htmlFor={volumesId}>
          Also remove its named volumes{named.length > 0 ? ` (${named.join(', ')})` : ''}: the data in them is lost
        </label>
      </div>
    </ConfirmDialog>
  )
}
