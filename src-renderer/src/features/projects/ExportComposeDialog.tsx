import { Download } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { ProjectSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { CopyButton } from '../../components/CopyButton'
import { Dialog } from '../../components/Dialog'
import { ErrorState, Loading } from '../../components/States'
import type { ApiError } from '../../lib/api-error'
import { downloadText } from '../../lib/download'
import { useProjectsStore } from './projects-store'

/** The project as a compose file, to read, copy or save. Secret values are not in it. */
export function ExportComposeDialog({ project, onClose }: { project: ProjectSummary; onClose(): void }) {
  const exportCompose = useProjectsStore((s) => s.exportCompose)
  const [yaml, setYaml] = useState<string | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    let live = true
    exportCompose(project.id)
      .then((text) => live && setYaml(text))
      .catch((err: unknown) => live && setError(toApiError(err)))
    return () => {
      live = false
    }
  }, [exportCompose, project.id, attempt])
  return (
    <Dialog
      open
      onOpenChange={(next) => !next && onClose()}
      title={`Compose file of ${project.name}`}
      description="Secret values are left out; fill them in where the file says so before using it elsewhere."
      wide
    >
      {error ? (
        <ErrorState
          error={error}
          onRetry={() => {
            setError(null)
            setAttempt((n) => n + 1)
          }}
        />
      ) : yaml === null ? (
        <Loading label="Exporting…" />
      ) : (
        <div className="stack">
          <pre className="json-block compose-yaml" tabIndex={0} aria-label="Compose file" data-testid="compose-yaml">
            {yaml}
          </pre>
          <div className="dialog-actions">
            <span className="inline-field">
              <CopyButton value={yaml} label="Copy compose file" /> <span className="muted small">Copy</span>
            </span>
            <button
              type="button"
              className="btn"
              onClick={() => downloadText(`${project.name}.compose.yaml`, yaml, 'application/yaml')}
            >
              <Download size={14} aria-hidden="true" /> Download
            </button>
            <button type="button" className="btn primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      )}
    </Dialog>
  )
}
