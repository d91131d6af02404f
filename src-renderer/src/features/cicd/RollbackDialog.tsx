import { AlertTriangle, Hammer } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { RollbackPreview } from '../../../../src-preload/contract/cicd'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { RelativeTime } from '../../components/RelativeTime'
import { ErrorState, Loading } from '../../components/States'
import type { ApiError } from '../../lib/api-error'
import { useCan } from '../connection/connection-store'
import { shortCommit, shortImage } from './cicd-labels'
import { useCicdStore } from './cicd-store'
import { useStartBuild } from './use-cicd-actions'

interface RollbackDialogProps {
  service: ServiceSummary
  /** The deployment to bring back; the successful one before the current when not given. */
  deploymentId: string | undefined
  onClose(): void
}

/**
 * The rollback confirmation: what will change (image, commit, env keys, ports) before anything starts. When the
 * image is gone from the engine, it says so and offers to rebuild that commit and deploy it instead.
 */
export function RollbackDialog({ service, deploymentId, onClose }: RollbackDialogProps) {
  const previewOf = useCicdStore((s) => s.rollbackPreview)
  const rollback = useCicdStore((s) => s.rollback)
  const startBuild = useStartBuild()
  const can = useCan('operate')
  const [preview, setPreview] = useState<RollbackPreview | null>(null)
  const [loadError, setLoadError] = useState<ApiError | null>(null)
  const [actionError, setActionError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    let live = true
    previewOf(service.id, deploymentId)
      .then((value) => live && setPreview(value))
      .catch((err: unknown) => live && setLoadError(toApiError(err)))
    return () => {
      live = false
    }
  }, [previewOf, service.id, deploymentId])

  const confirm = (): void => {
    if (!preview) return
    setBusy(true)
    setActionError(null)
    rollback(service.id, preview.target.id)
      .then(onClose)
      .catch((err: unknown) => setActionError(toApiError(err)))
      .finally(() => setBusy(false))
  }
  const rebuild = (commit: string): void => {
    setBusy(true)
    onClose()
    void startBuild(service, { deploy: true, ref: commit, rebuild: true })
  }

  const target = preview?.target
  return (
    <Dialog
      open
      onOpenChange={(next) => !next && onClose()}
      title={`Roll back ${service.spec.name}?`}
      description="A new deployment of that one's exact image and spec, health-checked: if it does not become healthy, what runs now keeps serving."
      wide
    >
      {loadError ? (
        <ErrorState error={loadError} />
      ) : !preview || !target ? (
        <Loading label="Comparing with what runs now…" />
      ) : (
        <div className="stack" data-testid="rollback-preview">
          <p>
            Brings back the deployment of <RelativeTime iso={target.createdAt} />
            {target.commit ? (
              <>
                {' '}
                (commit <code>{shortCommit(target.commit)}</code>)
              </>
            ) : null}
            .
          </p>
          <table className="table change-table" aria-label="What the rollback changes">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Now</th>
                <th scope="col">After the rollback</th>
              </tr>
            </thead>
            <tbody>
              <ChangeRow
                what="Image"
                same={preview.image.from === preview.image.to}
                from={preview.image.from && <ImageCell tag={preview.current?.imageTag} image={preview.image.from} />}
                to={
                  <>
                    <ImageCell tag={target.imageTag} image={preview.image.to} />
                    {preview.imageGone && <span className="bad-text"> — no longer on the engine</span>}
                  </>
                }
              />
              <ChangeRow
                what="Commit"
                same={preview.commit.from === preview.commit.to}
                from={shortCommit(preview.commit.from)}
                to={shortCommit(preview.commit.to)}
              />
              <ChangeRow
                what="Ports"
                same={preview.ports.from.join() === preview.ports.to.join()}
                from={preview.ports.from.join(', ') || 'none'}
                to={preview.ports.to.join(', ') || 'none'}
              />
            </tbody>
          </table>
          <div>
            <h4>Environment</h4>
            {preview.env.length === 0 ? (
              <p className="muted" data-testid="env-unchanged">
                The same variables (values are not compared here: secrets stay in the main process).
              </p>
            ) : (
              <ul className="env-changes" aria-label="Environment changes">
                {preview.env.map((change) => (
                  <li key={change.key}>
                    <code>{change.key}</code>{' '}
                    <span className={`env-${change.change}`}>
                      {change.change === 'added'
                        ? 'comes back'
                        : change.change === 'removed'
                          ? 'goes away'
                          : 'gets its earlier value'}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          {preview.imageGone && (
            <div className="notice bad" role="alert" data-testid="image-gone">
              <AlertTriangle size={16} aria-hidden="true" />
              <div>
                <strong>Its image is no longer on the engine</strong> (pruned or removed), so this rollback cannot run.
                {target.commit && service.spec.git
                  ? ' Rebuilding its commit brings the same code back, then deploys it.'
                  : ' It has no commit glinrdock could rebuild.'}
              </div>
            </div>
          )}
          {actionError && <ErrorState error={actionError} />}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            {preview.imageGone ? (
              target.commit &&
              service.spec.git && (
                <button
                  type="button"
                  className="btn primary"
                  disabled={busy || !can.allowed}
                  title={can.reason}
                  onClick={() => rebuild(target.commit!)}
                >
                  <Hammer size={14} aria-hidden="true" /> Rebuild this commit
                </button>
              )
            ) : (
              <button
                type="button"
                className="btn primary"
                disabled={busy || !can.allowed}
                title={can.reason}
                aria-busy={busy}
                onClick={confirm}
              >
                {busy ? 'Starting…' : 'Roll back'}
              </button>
            )}
          </div>
        </div>
      )}
      {(loadError || !preview) && (
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      )}
    </Dialog>
  )
}

function ChangeRow({
  what,
  from,
  to,
  same,
}: {
  what: string
  from: React.ReactNode
  to: React.ReactNode
  same: boolean
}) {
  return (
    <tr data-changed={same ? undefined : true}>
      <th scope="row">{what}</th>
      <td className="mono-small wrap-anywhere">{from ?? <span className="muted">—</span>}</td>
      <td className="mono-small wrap-anywhere">
        {to ?? <span className="muted">—</span>}
        {same ? <span className="muted"> (unchanged)</span> : <strong className="change-mark"> (changes)</strong>}
      </td>
    </tr>
  )
}

/** A tag as people know it, with the exact image id it stood for (a tag can move; the id cannot). */
function ImageCell({ tag, image }: { tag: string | undefined; image: string }) {
  const id = shortImage(image)
  if (!tag || tag === image) return <>{id}</>
  return (
    <>
      {tag}
      <span className="muted"> · {id}</span>
    </>
  )
}
