import { zodResolver } from '@hookform/resolvers/zod'
import { useForm, useWatch } from 'react-hook-form'
import { CreateProjectInput, projectNetworkName } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { Field } from '../../components/Field'
import { errorLine } from '../../lib/error-text'
import { useHostsStore } from '../hosts/hosts-store'
import { navigation } from '../shell/use-route'
import { useProjectsStore } from './projects-store'

interface Values {
  name: string
  hostId: string
}

/** A project lives on one host and owns the network its services share; both are fixed once created. */
export function NewProjectDialog({ open, onClose, hostId }: { open: boolean; onClose(): void; hostId?: string }) {
  return (
    <Dialog open={open} onOpenChange={(next) => !next && onClose()} title="New project">
      {open && <NewProjectForm onClose={onClose} hostId={hostId} />}
    </Dialog>
  )
}

function NewProjectForm({ onClose, hostId }: { onClose(): void; hostId?: string | undefined }) {
  const hosts = useHostsStore((s) => s.hosts)
  const create = useProjectsStore((s) => s.create)
  const form = useForm<Values>({
    resolver: zodResolver(CreateProjectInput),
    defaultValues: { name: '', hostId: hostId ?? hosts[0]?.id ?? '' },
  })
  const { errors, isSubmitting } = form.formState
  const name = useWatch({ control: form.control, name: 'name' })
  const submit = form.handleSubmit(async (values) => {
    try {
      const project = await create(values)
      onClose()
      navigation.project(project.id)
    } catch (err) {
      const error = toApiError(err)
      const field = error.field === 'name' || error.field === 'hostId' ? error.field : 'root'
      form.setError(field, { message: errorLine(error) })
    }
  })
  return (
    <form className="stack" onSubmit={(event) => void submit(event)} noValidate aria-label="New project">
      <Field
        label="Name"
        error={errors.name?.message}
        hint={`Lowercase letters, digits, _ and -. Its services share the network ${projectNetworkName(name.trim() || '<name>')}.`}
      >
        {(props) => <input {...props} {...form.register('name')} autoFocus spellCheck={false} placeholder="shop" />}
      </Field>
      <Field label="Host" error={errors.hostId?.message} hint="Where its containers run.">
        {(props) => (
          <select {...props} {...form.register('hostId')}>
            {hosts.map((host) => (
              <option key={host.id} value={host.id}>
                {host.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {errors.root && (
        <p className="field-error" role="alert">
          {errors.root.message}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={isSubmitting}>
          Create project
        </button>
      </div>
    </form>
  )
}
