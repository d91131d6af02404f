import { FileUp, Plus, Trash2 } from 'lucide-react'
import { useEffect, useId, useRef, useState } from 'react'
import {
  MAX_COMPOSE_BYTES,
  type ComposeImportResult,
  type ProjectSummary,
} from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { ErrorText } from '../../components/ErrorText'
import type { ApiError } from '../../lib/api-error'
import { useNoticesStore } from '../shell/notices-store'
import { ComposePreview } from './ComposePreview'
import { useProjectsStore } from './projects-store'

interface EnvFile {
  path: string
  content: string
}

/**
 * Paste a compose file, preview what it would create and every key that cannot be honoured (a dry run stores
 * nothing), then import. Any change to the inputs needs a new preview, so what is imported is what was read.
 */
export function ImportComposeDialog({ project, onClose }: { project: ProjectSummary; onClose(): void }) {
  return (
    <Dialog
      open
      onOpenChange={(next) => !next && onClose()}
      title={`Import a compose file into ${project.name}`}
      description="Nothing is stored until you import: the preview shows what would be created and what is left out."
      wide
    >
      <ImportForm project={project} onClose={onClose} />
    </Dialog>
  )
}

function ImportForm({ project, onClose }: { project: ProjectSummary; onClose(): void }) {
  const importCompose = useProjectsStore((s) => s.importCompose)
  const notify = useNoticesStore((s) => s.notify)
  const [yaml, setYaml] = useState('')
  const [envFiles, setEnvFiles] = useState<EnvFile[]>([])
  const [confirmBinds, setConfirmBinds] = useState(false)
  const [preview, setPreview] = useState<{ key: string; result: ComposeImportResult } | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState<'preview' | 'import' | null>(null)
  const id = useId()
  const key = JSON.stringify([yaml, envFiles, confirmBinds])
  const current = preview?.key === key ? preview.result : null
  const previewRef = useRef<HTMLDivElement>(null)
  // The preview appears below the inputs, out of sight in a long dialog: bring it up.
  useEffect(() => {
    if (preview) previewRef.current?.scrollIntoView({ block: 'start' })
  }, [preview])
  const yamlError =
    new Blob([yaml]).size > MAX_COMPOSE_BYTES
      ? 'A compose file of at most 512 KiB'
      : error?.field === 'yaml'
        ? error.message
        : undefined
  const pathProblem = envFiles.some((f) => f.path.trim() === '')
    ? 'Give each env file the path the compose file names (e.g. ./.env)'
    : new Set(envFiles.map((f) => f.path.trim())).size < envFiles.length
      ? 'Each env file path once'
      : undefined

  const run = async (dryRun: boolean): Promise<void> => {
    setBusy(dryRun ? 'preview' : 'import')
    setError(null)
    try {
      const result = await importCompose({
        projectId: project.id,
        yaml,
        dryRun,
        confirmBinds,
        envFiles: Object.fromEntries(envFiles.map((f) => [f.path.trim(), f.content])),
      })
      if (dryRun) setPreview({ key, result })
      else {
        notify({
          tone: 'ok',
          text: `Imported ${result.created.length} service${result.created.length === 1 ? '' : 's'} into ${project.name}`,
        })
        onClose()
      }
    } catch (err) {
      setPreview(null)
      setError(toApiError(err))
    } finally {
      setBusy(null)
    }
  }

  const setFile = (index: number, change: Partial<EnvFile>): void =>
    setEnvFiles(envFiles.map((f, i) => (i === index ? { ...f, ...change } : f)))

  return (
    <form
      className="stack"
      aria-label="Import a compose file"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        void run(!current)
      }}
    >
      <div className="field">
        <div className="label-line">
          <label htmlFor={`${id}-yaml`}>Compose file</label>
          <label className="btn file-btn">
            <FileUp size={14} aria-hidden="true" /> Open file…
            <input
              type="file"
              accept=".yml,.yaml,text/yaml,application/yaml"
              className="sr-only"
              onChange={(event) => {
                const file = event.target.files?.[0]
                if (file) void file.text().then(setYaml)
                event.target.value = ''
              }}
            />
          </label>
        </div>
        <textarea
          id={`${id}-yaml`}
          rows={12}
          value={yaml}
          onChange={(event) => setYaml(event.target.value)}
          spellCheck={false}
          placeholder={'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"'}
          aria-invalid={yamlError ? true : undefined}
          aria-describedby={yamlError ? `${id}-yaml-error` : undefined}
          data-testid="compose-yaml-input"
        />
        {yamlError && (
          <span id={`${id}-yaml-error`} className="field-error">
            {yamlError}
          </span>
        )}
      </div>
      <fieldset className="fieldset">
        <legend>Env files (optional)</legend>
        <p className="hint">
          For each <code>env_file</code> the compose file names, paste its content under that path. Files on your disk
          are not read.
        </p>
        {envFiles.map((file, index) => (
          <div className="env-file" key={index}>
            <div className="label-line">
              <input
                aria-label={`Path of env file ${index + 1}`}
                value={file.path}
                onChange={(event) => setFile(index, { path: event.target.value })}
                placeholder="./.env"
                spellCheck={false}
              />
              <button
                type="button"
                className="icon-btn danger"
                aria-label={`Remove env file ${file.path || index + 1}`}
                onClick={() => setEnvFiles(envFiles.filter((_, i) => i !== index))}
              >
                <Trash2 size={14} aria-hidden="true" />
              </button>
            </div>
            <textarea
              aria-label={`Content of ${file.path || `env file ${index + 1}`}`}
              rows={4}
              value={file.content}
              onChange={(event) => setFile(index, { content: event.target.value })}
              spellCheck={false}
              placeholder="KEY=value"
            />
          </div>
        ))}
        {pathProblem && <p className="field-error">{pathProblem}</p>}
        <div className="toolbar">
          <button type="button" className="btn" onClick={() => setEnvFiles([...envFiles, { path: '', content: '' }])}>
            <Plus size={14} aria-hidden="true" /> Add env file
          </button>
        </div>
      </fieldset>
      <div className="checkbox">
        <input
          id={`${id}-binds`}
          type="checkbox"
          checked={confirmBinds}
          onChange={(event) => setConfirmBinds(event.target.checked)}
        />
        <label htmlFor={`${id}-binds`}>
          Confirm bind mounts: let these containers read and write the host paths the file names (admin only; otherwise
          they are left out)
        </label>
      </div>
      {error && (
        <div className="notice bad" role="alert" data-testid="import-error">
          <div>
            {error.field && (
              <p className="small">
                At <code>{error.field}</code>:
              </p>
            )}
            <ErrorText code={error.code} message={error.message} />
          </div>
        </div>
      )}
      <div ref={previewRef}>{current && <ComposePreview result={current} />}</div>
      {preview && !current && <p className="hint">The inputs changed since the preview: preview again to import.</p>}
      <div className="dialog-actions sticky-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={`btn ${current ? '' : 'primary'}`}
          disabled={busy !== null || yaml.trim() === '' || yamlError !== undefined || pathProblem !== undefined}
          onClick={() => void run(true)}
        >
          {busy === 'preview' ? 'Previewing…' : 'Preview'}
        </button>
        <button
          type="button"
          className="btn primary"
          disabled={busy !== null || !current || current.services.length === 0}
          title={current ? undefined : 'Preview first'}
          onClick={() => void run(false)}
        >
          {busy === 'import'
            ? 'Importing…'
            : current
              ? `Import ${current.services.length} service${current.services.length === 1 ? '' : 's'}`
              : 'Import'}
        </button>
      </div>
    </form>
  )
}
