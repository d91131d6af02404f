import { useId, useState } from 'react'
import type { ResourceKind } from '../../../../src-preload/contract/resources'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { KIND_WORDS } from './ResourcesView'
import type { ResourceRow } from './resource-rows'
import { useResourcesStore } from './resources-store'

interface Props {
  hostId: string
  kind: ResourceKind
  row: ResourceRow | null
  onClose(): void
}

/**
 * Names what goes. While containers use it, the engine refuses (its reason is shown); only an image
 * can be forced, and then only away from stopped containers (Docker never removes a running one's image).
 */
export function RemoveResourceDialog({ hostId, kind, row, onClose }: Props) {
  const remove = useResourcesStore((s) => s.remove)
  const [force, setForce] = useState(false)
  const forceId = useId()
  const word = KIND_WORDS[kind].one
  const users = row?.users.map((user) => user.name).join(', ') ?? ''
  return (
    <ConfirmDialog
      open={row !== null}
      onOpenChange={(open) => {
        if (open) return
        setForce(false)
        onClose()
      }}
      title={`Remove ${word} ${row?.name ?? ''}?`}
      description={
        (row
          ? row.users.length > 0
            ? `“${row.name}” is used by ${users}. Docker refuses to remove it while they exist${kind === 'image' ? ', unless forced and they are all stopped' : ''}.`
            : `“${row.name}” is deleted from this host${kind === 'volume' ? ', with all the data in it' : ''}.`
          : '') +
        (row?.protectedBy
          ? ` It is kept for rollback of ${row.protectedBy}: removing it needs Force, and rolling back to it would then mean rebuilding it.`
          : '')
      }
      confirmLabel={`Remove ${row?.name ?? ''}`}
      onConfirm={() => remove(hostId, kind, row!.id, kind === 'image' && force)}
    >
      {kind === 'image' && (
        <div className="checkbox">
          <input id={forceId} type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} />
          <label htmlFor={forceId}>Force: also untag it and remove it from stopped containers’ use</label>
        </div>
      )}
    </ConfirmDialog>
  )
}
