import { Loader2, Play, RefreshCcw, RotateCw, Square } from 'lucide-react'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { useCan } from '../connection/connection-store'
import { useProjectsStore } from './projects-store'
import { isUp } from './service-labels'
import { useServiceActions } from './use-service-actions'

interface ServiceActionsProps {
  service: ServiceSummary
  /** Icon buttons for table rows; labelled buttons for the service page. */
  compact?: boolean
}

/**
 * Start or Stop (whichever applies), Restart, and Re-apply while the engine has drifted from the spec.
 * Re-apply is a start: glinrdock recreates or starts the container until it matches. Names include the service.
 */
export function ServiceActions({ service, compact = false }: ServiceActionsProps) {
  const busy = useProjectsStore((s) => s.busy[service.id])
  const can = useCan('operate')
  const act = useServiceActions()
  const name = service.spec.name
  const up = isUp(service.status)
  const button = (label: string, icon: React.ReactNode, onClick: () => void, extra = '', blocked?: string) => (
    <button
      type="button"
      className={`${compact ? 'icon-btn' : 'btn'} ${extra}`}
      aria-label={`${label} ${name}`}
      title={can.reason ?? blocked ?? (compact ? label : undefined)}
      disabled={busy !== undefined || !can.allowed || blocked !== undefined}
      onClick={onClick}
    >
      {icon}
      {!compact && label}
    </button>
  )
  return (
    <div className="row-actions" aria-busy={busy !== undefined}>
      {busy && <Loader2 className="spin" size={14} aria-label={`${busy} in progress`} />}
      {service.status.drift.length > 0 &&
        button(
          'Re-apply',
          <RefreshCcw size={14} aria-hidden="true" />,
          () => void act(service, 'start'),
          compact ? 'warn' : 'primary',
        )}
      {up
        ? button('Stop', <Square size={14} aria-hidden="true" />, () => void act(service, 'stop'))
        : button('Start', <Play size={14} aria-hidden="true" />, () => void act(service, 'start'))}
      {button(
        'Restart',
        <RotateCw size={14} aria-hidden="true" />,
        () => void act(service, 'restart'),
        '',
        service.status.state === 'missing' ? 'It has no container yet: start it' : undefined,
      )}
    </div>
  )
}
