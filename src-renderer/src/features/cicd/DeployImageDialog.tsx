import { useState } from 'react'
import { ImageRef } from '../../../../src-preload/contract/grammar'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { Field } from '../../components/Field'
import { errorLine } from '../../lib/error-text'
import { paths } from '../shell/routes'
import { navigation } from '../shell/use-route'
import { useCicdStore } from './cicd-store'

/**
 * "Deploy image": run another tag of an image service through a health-checked deployment (the spec's image is
 * the default). The tag is checked with the contract's own grammar before anything is sent.
 */
export function DeployImageDialog({ service, onClose }: { service: ServiceSummary; onClose(): void }) {
  const deploy = useCicdStore((s) => s.deploy)
  const [imageTag, setImageTag] = useState(service.spec.image ?? '')
  const [fieldError, setFieldError] = useState<string | undefined>()
  const [rootError, setRootError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    setRootError(undefined)
    const parsed = ImageRef.safeParse(imageTag.trim())
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message ?? 'Not an image reference')
    setFieldError(undefined)
    setBusy(true)
    try {
      await deploy(service.id, parsed.data)
      onClose()
      navigation.replace(paths.service(service.projectId, service.id, 'deployments'))
    } catch (err) {
      const error = toApiError(err)
      if (error.field === 'imageTag') setFieldError(errorLine(error))
      else setRootError(errorLine(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog
      open
      onOpenChange={(next) => !next && onClose()}
      title={`Deploy an image to ${service.spec.name}`}
      description="The new container must become healthy before it replaces the current one; otherwise the current one keeps serving."
    >
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <Field label="Image" error={fieldError} hint="A tag or digest, e.g. registry.example.com/team/app:2">
          {(props) => (
            <input
              {...props}
              value={imageTag}
              onChange={(event) => setImageTag(event.target.value)}
              spellCheck={false}
              autoFocus
            />
          )}
        </Field>
        {rootError && (
          <p className="field-error" role="alert">
            {rootError}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Starting…' : 'Deploy'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
