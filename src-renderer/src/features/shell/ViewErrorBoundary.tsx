import { AlertTriangle } from 'lucide-react'
import { Component, type ErrorInfo, type ReactNode } from 'react'

interface State {
  error: Error | null
}

/**
 * A view that fails to load (its chunk or stylesheet did not arrive: the server restarted with a new build,
 * the network dropped the request) or throws while rendering shows this instead of a blank window. The
 * shell around it keeps working; going to another address resets it (without remounting a view that works).
 */
export class ViewErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null }

  override componentDidUpdate(previous: { resetKey: string }): void {
    if (this.state.error && previous.resetKey !== this.props.resetKey) this.setState({ error: null })
  }

  static getDerivedStateFromError(error: Error): State {
    return { error }
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn('view failed', error, info.componentStack)
  }

  override render(): ReactNode {
    const { error } = this.state
    if (!error) return this.props.children
    return (
      <div className="state error" role="alert">
        <AlertTriangle size={18} aria-hidden="true" />
        <span className="error-text">
          <span className="error-sentence">This view could not be shown.</span>{' '}
          <span className="error-next">Reload the page; if it keeps happening, the server log has the details.</span>
          <details className="error-details">
            <summary>Details</summary>
            <span className="wrap-anywhere">{error.message}</span>
          </details>
        </span>
        <button type="button" className="btn" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    )
  }
}
