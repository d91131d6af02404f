import { AlertTriangle, Loader2 } from 'lucide-react'
import type { ApiError } from '../lib/api-error'
import { ErrorText } from './ErrorText'

export function Loading({ label }: { label: string }) {
  return (
    <div className="state" role="status">
      <Loader2 className="spin" size={18} aria-hidden="true" /> {label}
    </div>
  )
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  )
}

export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <AlertTriangle size={18} aria-hidden="true" />
      <ErrorText code={error.code} message={error.message} />
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  )
}
