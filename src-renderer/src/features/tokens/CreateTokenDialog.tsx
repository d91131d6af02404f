import { zodResolver } from '@hookform/resolvers/zod'
import { useState } from 'react'
import { useForm } from 'react-hook-form'
import {
  CreateTokenInput,
  ROLES,
  type CreatedToken,
  type CreateTokenInput as CreateTokenValues,
} from '../../../../src-preload/contract/schemas'
import { CopyButton } from '../../components/CopyButton'
import { Dialog } from '../../components/Dialog'
import { ApiError } from '../../lib/api-error'
import { useTokensStore } from './tokens-store'
import { errorLine } from '../../lib/error-text'

const ROLE_HELP: Record<(typeof ROLES)[number], string> = {
  admin: 'everything, including tokens and settings',
  deployer: 'read, container lifecycle, build, deploy, rollback',
  viewer: 'read only',
}

export function CreateTokenDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const create = useTokensStore((s) => s.create)
  const [created, setCreated] = useState<CreatedToken | null>(null)
  const form = useForm<CreateTokenValues>({
    resolver: zodResolver(CreateTokenInput),
    defaultValues: { name: '', role: 'viewer' },
  })
  const { errors, isSubmitting } = form.formState

  const close = (next: boolean) => {
    if (!next) {
      setCreated(null)
      form.reset()
    }
    onOpenChange(next)
  }

  const submit = form.handleSubmit(async (values) => {
    try {
      setCreated(await create(values))
    } catch (err) {
      const apiError = err as ApiError
      const field = apiError.field === 'name' || apiError.field === 'role' ? apiError.field : 'root'
      form.setError(field, { message: errorLine(apiError) })
    }
  })

  return (
    <Dialog open={open} onOpenChange={close} title={created ? 'Token created' : 'Create API token'}>
      {created ? (
        <div className="stack">
          <p>Copy the token now. It is shown only once; glinrdock keeps only its hash.</p>
          <div className="secret-box">
            <code data-testid="new-token">{created.token}</code>
            <CopyButton value={created.token} label="Copy token" />
          </div>
          <div className="dialog-actions">
            <button type="button" className="btn primary" onClick={() => close(false)}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
          <label className="field">
            <span>Name</span>
            <input {...form.register('name')} aria-invalid={errors.name ? true : undefined} autoFocus />
            {errors.name && <span className="field-error">{errors.name.message}</span>}
          </label>
          <label className="field">
            <span>Role</span>
            <select {...form.register('role')}>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {role} — {ROLE_HELP[role]}
                </option>
              ))}
            </select>
          </label>
          {errors.root && (
            <p className="field-error" role="alert">
              {errors.root.message}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => close(false)}>
              Cancel
            </button>
            <button type="submit" className="btn primary" disabled={isSubmitting}>
              Create token
            </button>
          </div>
        </form>
      )}
    </Dialog>
  )
}
