import { Pause, Play, PlayCircle, RotateCw, Skull, Square, Trash2 } from 'lucide-react'
import { useId, useState } from 'react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { shortId } from '../../lib/format'
import { PermittedButton } from '../connection/PermittedButton'
import type { LifecycleAction } from './containers-store'
import { useContainerActions } from './use-container-actions'

const ACTIONS: { action: Exclude<LifecycleAction, 'remove'>; label: string; icon: typeof Play }[] = [
  { action: 'start', label: 'Start', icon: Play },
  { action: 'stop', label: 'Stop', icon: Square },
  { action: 'restart', label: 'Restart', icon: RotateCw },
  { action: 'pause', label: 'Pause', icon: Pause },
  { action: 'unpause', label: 'Unpause', icon: PlayCircle },
  { action: 'kill', label: 'Kill', icon: Skull },
]
/** Kill and remove lose work: they are confirmed, naming every container. */
const CONFIRMED = new Set<LifecycleAction>(['kill', 'remove'])

export function BulkActions({ hostId, selected }: { hostId: string; selected: ContainerSummary[] }) {
  const { bulk } = useContainerActions(hostId)
  const [busy, setBusy] = useState(false)
  const [confirming, setConfirming] = useState<LifecycleAction | null>(null)
  const [force, setForce] = useState(false)
  const forceId = useId()
  const run = (action: LifecycleAction, options: { force?: boolean } = {}): Promise<void> => {
    setBusy(true)
    return bulk(selected, action, options).finally(() => setBusy(false))
  }
  const ask = (action: LifecycleAction): void => {
    if (CONFIRMED.has(action)) setConfirming(action)
    else void run(action)
  }
  const running = selected.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused')
  const disabled = selected.length === 0 || busy
  return (
    <div className="bulk-actions" role="group" aria-label="Actions on selected containers">
      {ACTIONS.map(({ action, label, icon: Icon }) => (
        <PermittedButton
          key={action}
          permission="operate"
          className="btn"
          disabled={disabled}
          onClick={() => ask(action)}
          aria-label={`${label} selected`}
        >
          <Icon size={14} aria-hidden="true" /> {label}
        </PermittedButton>
      ))}
      <PermittedButton
        permission="operate"
        className="btn danger"
        disabled={disabled}
        onClick={() => ask('remove')}
        aria-label="Remove selected"
      >
        <Trash2 size={14} aria-hidden="true" /> Remove
      </PermittedButton>
      <ConfirmDialog
        open={confirming !== null}
        onOpenChange={(open) => {
          if (open) return
          setConfirming(null)
          setForce(false)
        }}
        title={`${confirming === 'kill' ? 'Kill' : 'Remove'} ${selected.length} container${selected.length === 1 ? '' : 's'}?`}
        description={
          confirming === 'kill'
            ? 'Each is sent SIGKILL: it stops at once, without a chance to save its work.'
            : 'Each container and its writable layer are deleted. Named volumes are kept.'
        }
        confirmLabel={`${confirming === 'kill' ? 'Kill' : 'Remove'} ${selected.length}`}
        onConfirm={() => run(confirming!, { force: confirming === 'remove' && force })}
      >
        <ul className="confirm-list" aria-label="Containers">
          {selected.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong> <span className="mono-small muted">{shortId(c.id)}</span>{' '}
              <span className="muted">{c.state}</span>
            </li>
          ))}
        </ul>
        {confirming === 'remove' && running.length > 0 && (
          <div className="checkbox">
            <input id={forceId} type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} />
            <label htmlFor={forceId}>
              Force: kill the {running.length} running first (without it, running ones are left and reported)
            </label>
          </div>
        )}
      </ConfirmDialog>
    </div>
  )
}
