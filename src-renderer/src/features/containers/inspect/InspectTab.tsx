import { RefreshCw } from 'lucide-react'
import { useCallback, useEffect, useState } from 'react'
import { toApiError } from '../../../components/ConfirmDialog'
import { CopyButton } from '../../../components/CopyButton'
import { ErrorState, Loading } from '../../../components/States'
import type { ApiError } from '../../../lib/api-error'
import { useContainersStore } from '../containers-store'

type Inspect = Record<string, unknown>

/** `docker inspect` as JSON: one collapsible section per top-level key, plus the whole document to copy. */
export function InspectTab({ hostId, containerId }: { hostId: string; containerId: string }) {
  const inspect = useContainersStore((s) => s.inspect)
  const [value, setValue] = useState<Inspect | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let live = true
    inspect(hostId, containerId)
      .then((result) => live && setValue(result))
      .catch((err: unknown) => live && setError(toApiError(err)))
    return () => {
      live = false
    }
  }, [inspect, hostId, containerId, attempt])

  const refresh = useCallback(() => {
    setError(null)
    setAttempt((n) => n + 1)
  }, [])

  if (error) return <ErrorState error={error} onRetry={refresh} />
  if (!value) return <Loading label="Inspecting…" />
  const json = JSON.stringify(value, null, 2)
  return (
    <div className="stack inspect">
      <div className="toolbar">
        <button type="button" className="btn" onClick={refresh}>
          <RefreshCw size={14} aria-hidden="true" /> Refresh
        </button>
        <span className="toolbar-end">
          <CopyButton value={json} label="Copy JSON" />
        </span>
      </div>
      <div className="json-sections" data-testid="inspect-json">
        {Object.entries(value).map(([key, section]) =>
          section !== null && typeof section === 'object' ? (
            <details key={key} open={key === 'State' || key === 'Config'}>
              <summary>
                <code>{key}</code>
              </summary>
              <pre className="json-block" tabIndex={0}>
                {JSON.stringify(section, null, 2)}
              </pre>
            </details>
          ) : (
            <div key={key} className="json-scalar">
              <code>{key}</code>: <code className="json-value">{JSON.stringify(section)}</code>
            </div>
          ),
        )}
      </div>
    </div>
  )
}
