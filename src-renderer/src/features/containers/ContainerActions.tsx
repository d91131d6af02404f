import { Loader2, Play, RotateCw, Square, Trash2 } from 'lucide-react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { busyKey, useContainersStore } from './containers-store'
import { useContainerActions } from './use-container-actions'
import { useCan } from '../connection/connection-store'

interface ContainerActionsProps {
  hostId: string
  container: ContainerSummary
  onRemove(container: ContainerSummary): void
  /** Icon buttons for table rows; labelled buttons for the container page. */
  compact?: boolean
}

/** Start or Stop (whichever applies), Restart, Remove. Accessible names include the container's name. */
export function ContainerActions({ hostId, container, onRemove, compact = false }: ContainerActionsProps) {
  const busy = useContainersStore((s) => s.busy[busyKey(hostId, container.id)])
  const can = useCan('operate')
  const { act } = useContainerActions(hostId)
  const running = container.state === 'running' || container.state === 'restarting'
  const className = compact ? 'icon-btn' : 'btn'
  const button = (label: string, icon: React.ReactNode, onClick: () => void, extra = '') => (
    <button
      type="button"
      className={`${className} ${extra}`}
      aria-label={`${label} ${container.name}`}
      title={can.reason ?? (compact ? label : undefined)}
      disabled={busy !== undefined || !can.allowed}
      onClick={onClick}
    >
      {icon}
      {!compact && label}
    </button>
  )
  return (
    <div className="row-actions" aria-busy={busy !== undefined}>
      {busy && <Loader2 className="spin" size={14} aria-label={`${busy} in progress`} />}
      {running
        ? button('Stop', <Square size={14} aria-hidden="true" />, () => void act(container, 'stop'))
        : button('Start', <Play size={14} aria-hidden="true" />, () => void act(container, 'start'))}
      {button('Restart', <RotateCw size={14} aria-hidden="true" />, () => void act(container, 'restart'))}
      {button('Remove', <Trash2 size={14} aria-hidden="true" />, () => onRemove(container), 'danger')}
    </div>
  )
}
