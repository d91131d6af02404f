import { useState } from 'react'
import { ApiError } from '../lib/api-error'
import { Dialog } from './Dialog'
import { ErrorState } from './States'

interface ConfirmDialogProps {
  open: boolean
  onOpenChange(open: boolean): void
  title: string
  /** Says what will be destroyed, by name. */
  description: string
  confirmLabel: string
  /** Shown on the button while the action runs (removals can take the engine's stop timeout). */
  busyLabel?: string
  danger?: boolean
  /** Extra options (a "force" checkbox, say) between the description and the buttons. */
  children?: React.ReactNode
  /** Resolves to close the dialog; a rejection is shown in it with its code. */
  onConfirm(): Promise<unknown>
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, onOpenChange, title, description, confirmLabel, busyLabel, danger = true, children, onConfirm } = props
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const close = (next: boolean): void => {
    if (!next) setError(null)
    onOpenChange(next)
  }
  return (
    <Dialog open={open} onOpenChange={close} title={title} description={description}>
      {children}
      {error && <ErrorState error={error} />}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={() => close(false)}>
          Cancel
        </button>
        <button
          type="button"
          className={`btn ${danger ? 'danger' : 'primary'}`}
          disabled={busy}
          aria-busy={busy}
          onClick={() => {
            setBusy(true)
            setError(null)
            onConfirm()
              .then(() => close(false))
              .catch((err: unknown) => setError(toApiError(err)))
              .finally(() => setBusy(false))
          }}
        >
          {busy ? (busyLabel ?? 'Working…') : confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  return new ApiError({ code: 'internal', message: err instanceof Error ? err.message : String(err) })
}
