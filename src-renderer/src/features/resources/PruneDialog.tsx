import { useEffect, useId, useState } from 'react'
import type { PrunePreview, ResourceKind } from '../../../../src-preload/contract/resources'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { ErrorState, Loading } from '../../components/States'
import type { ApiError } from '../../lib/api-error'
import { formatBytes } from '../../lib/format'
import { useNoticesStore } from '../shell/notices-store'
import { KIND_WORDS } from './ResourcesView'
import { useResourcesStore } from './resources-store'

const WIDER: Partial<Record<ResourceKind, string>> = {
  image: 'Also images that have a tag but no container uses (docker image prune -a)',
  volume: 'Also named volumes, not only anonymous ones (engines before API 1.42 always include them)',
}

/**
 * Shows exactly what a prune would remove, and the space it frees, before anything goes: the same
 * selection the engine makes, computed by the main process from the current lists.
 */
export function PruneDialog({
  hostId,
  kind,
  open,
  onClose,
}: {
  hostId: string
  kind: ResourceKind
  open: boolean
  onClose(): void
}) {
  const { preview, prune } = useResourcesStore()
  const notify = useNoticesStore((s) => s.notify)
  const [wider, setWider] = useState(false)
  const [plan, setPlan] = useState<PrunePreview | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const widerId = useId()
  const words = KIND_WORDS[kind]

  useEffect(() => {
    if (!open) return
    let live = true
    preview(hostId, kind, wider)
      .then((result) => live && setPlan(result))
      .catch((err: unknown) => live && setError(toApiError(err)))
    return () => {
      live = false
    }
  }, [open, preview, hostId, kind, wider])

  // The plan is cleared where the question changes, so the effect only ever fills it in.
  const close = (): void => {
    setWider(false)
    setPlan(null)
    setError(null)
    onClose()
  }
  const changeWider = (next: boolean): void => {
    setPlan(null)
    setError(null)
    setWider(next)
  }
  const run = (): void => {
    setBusy(true)
    prune(hostId, kind, wider)
      .then((result) => {
        notify({
          tone: 'ok',
          text: `Removed ${result.removed.length} ${result.removed.length === 1 ? words.one : words.many}${
            kind === 'network' ? '' : `, freed ${formatBytes(result.spaceReclaimedBytes)}`
          }`,
        })
        close()
      })
      .catch((err: unknown) => setError(toApiError(err)))
      .finally(() => setBusy(false))
  }

  return (
    <Dialog open={open} onOpenChange={(next) => !next && close()} title={`Prune unused ${words.many}?`} wide>
      {WIDER[kind] && (
        <div className="checkbox">
          <input id={widerId} type="checkbox" checked={wider} onChange={(event) => changeWider(event.target.checked)} />
          <label htmlFor={widerId}>{WIDER[kind]}</label>
        </div>
      )}
      {error ? (
        <ErrorState error={error} />
      ) : !plan ? (
        <Loading label="Working out what would go…" />
      ) : plan.items.length === 0 ? (
        <p data-testid="prune-summary">
          Nothing to prune: every {words.one} is in use{kind === 'image' && !wider ? ' or tagged' : ''}.
        </p>
      ) : (
        <>
          <p data-testid="prune-summary">
            {plan.items.length} {plan.items.length === 1 ? words.one : words.many} would be removed
            {kind === 'network' ? '.' : `, freeing up to ${formatBytes(plan.spaceBytes)}.`}
          </p>
          <ul className="confirm-list" aria-label={`${words.many} to remove`}>
            {plan.items.map((item) => (
              <li key={item.id}>
                <strong className="wrap-anywhere">{item.label}</strong>
                {kind !== 'network' && <span className="muted"> {formatBytes(item.sizeBytes)}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={close}>
          Cancel
        </button>
        <button type="button" className="btn danger" disabled={busy || !plan || plan.items.length === 0} onClick={run}>
          {plan && plan.items.length > 0 ? `Remove ${plan.items.length}` : 'Remove'}
        </button>
      </div>
    </Dialog>
  )
}
