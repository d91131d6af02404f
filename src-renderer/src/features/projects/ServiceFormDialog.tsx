import { toNestErrors } from '@hookform/resolvers'
import { useMemo } from 'react'
import { FormProvider, useForm, useWatch, type FieldErrors, type Resolver } from 'react-hook-form'
import { RESTART_POLICIES, type ServiceSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { errorLine } from '../../lib/error-text'
import { navigation } from '../shell/use-route'
import { EnvEditor } from './EnvEditor'
import { ArgvPreview, FormField } from './form-parts'
import { GitSourceFields } from './GitSourceFields'
import { HealthcheckFields } from './HealthcheckFields'
import { LabelsEditor } from './LabelsEditor'
import { PortsEditor } from './PortsEditor'
import { useProjectsStore } from './projects-store'
import { serverFieldPath, validateService, type FormMode } from './service-form-input'
import { emptyServiceValues, valuesFromSpec, type ServiceFormValues } from './service-form-values'
import { useServiceActions } from './use-service-actions'
import { VolumesEditor } from './VolumesEditor'

interface ServiceFormDialogProps {
  projectId: string
  /** The project's services, for "depends on". */
  services: ServiceSummary[]
  /** The service to edit, or null to add one. */
  service: ServiceSummary | null
  onClose(): void
}

/** Add or edit a service: one form, checked with the contract's schema, server errors on their fields. */
export function ServiceFormDialog({ projectId, services, service, onClose }: ServiceFormDialogProps) {
  return (
    <Dialog
      open
      onOpenChange={(next) => !next && onClose()}
      title={service ? `Edit service ${service.spec.name}` : 'Add service'}
      description={
        service
          ? 'Saving changes the spec; the running container is replaced when the service is started again (Re-apply).'
          : undefined
      }
      wide
    >
      <ServiceForm projectId={projectId} services={services} service={service} onClose={onClose} />
    </Dialog>
  )
}

function ServiceForm({ projectId, services, service, onClose }: ServiceFormDialogProps) {
  const createService = useProjectsStore((s) => s.createService)
  const updateService = useProjectsStore((s) => s.updateService)
  const act = useServiceActions()
  const mode: FormMode = useMemo(
    () =>
      service ? { kind: 'edit', projectId, id: service.id, original: service.spec } : { kind: 'create', projectId },
    // The spec being edited is the one the form opened with; later pushes do not reset what the user typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [projectId, service?.id],
  )
  const resolver = useMemo<Resolver<ServiceFormValues>>(
    () => async (values, _context, options) => {
      const { errors } = validateService(values, mode)
      if (Object.keys(errors).length === 0) return { values, errors: {} }
      const flat: FieldErrors = {}
      for (const [path, message] of Object.entries(errors)) flat[path] = { type: 'validate', message }
      return { values: {}, errors: toNestErrors(flat, options) }
    },
    [mode],
  )
  const form = useForm<ServiceFormValues>({
    resolver,
    defaultValues: service ? valuesFromSpec(service.spec) : emptyServiceValues(),
  })
  const { errors, isSubmitting } = form.formState
  const source = useWatch({ control: form.control, name: 'source' })
  const policy = useWatch({ control: form.control, name: 'restart.policy' })
  const dependsOn = useWatch({ control: form.control, name: 'dependsOn' })
  const others = services.filter((s) => s.id !== service?.id).map((s) => s.spec.name)

  const submit = (startAfter: boolean) =>
    form.handleSubmit(async (values) => {
      const { input } = validateService(values, mode)
      if (!input) return
      try {
        if (input.kind === 'create') {
          const created = await createService(input.input)
          onClose()
          if (startAfter) void act(created, 'start')
          navigation.project(projectId)
        } else {
          if (input.changed.length > 0) await updateService(input.input)
          onClose()
        }
      } catch (err) {
        const error = toApiError(err)
        const path = serverFieldPath(error.field, values)
        const message = errorLine(error)
        if (path === 'root') {
          form.setError('root', { message: error.field ? `${error.field}: ${message}` : message })
        } else {
          form.setError(path as never, { message }, { shouldFocus: true })
          form.setError('root', { message: 'The server refused a field; it is marked below.' })
        }
      }
    })

  return (
    <FormProvider {...form}>
      <form
        className="stack service-form"
        // Which button submitted says whether to start the new service too (Enter means plain "Create").
        onSubmit={(event) => void submit((event.nativeEvent as SubmitEvent).submitter?.dataset.start === 'true')(event)}
        noValidate
        aria-label={service ? `Edit service ${service.spec.name}` : 'Add service'}
      >
        <div className="field-grid two">
          <FormField
            path="name"
            label="Name"
            hint={service ? 'A service keeps its name.' : 'Also its DNS name on the project network.'}
          >
            {(props) => (
              <input
                {...props}
                {...form.register('name')}
                readOnly={service !== null}
                autoFocus={service === null}
                spellCheck={false}
                placeholder="web"
              />
            )}
          </FormField>
          <fieldset className="fieldset bare">
            <legend>Runs from</legend>
            <div className="segmented">
              <label>
                <input type="radio" value="image" {...form.register('source')} /> An image
              </label>
              <label>
                <input type="radio" value="git" {...form.register('source')} /> A git repository
              </label>
            </div>
          </fieldset>
        </div>
        {source === 'image' ? (
          <FormField path="image" label="Image" hint="For example nginx:1.27 or registry.example.com/team/app:1" />
        ) : (
          <GitSourceFields />
        )}
        <div className="field-grid two">
          <div className="stack tight">
            <FormField
              path="command"
              label="Command (optional)"
              hint="Overrides the image's command. Written as in a shell, with quotes; no shell runs it."
            >
              {(props) => (
                <input
                  {...props}
                  {...form.register('command')}
                  spellCheck={false}
                  placeholder="node server.js --port 80"
                />
              )}
            </FormField>
            <ArgvPreview path="command" label="Command arguments" />
          </div>
          <div className="stack tight">
            <FormField path="entrypoint" label="Entrypoint (optional)" hint="Overrides the image's entrypoint." />
            <ArgvPreview path="entrypoint" label="Entrypoint arguments" />
          </div>
        </div>
        <EnvEditor />
        <PortsEditor />
        <VolumesEditor />
        <fieldset className="fieldset">
          <legend>Runtime</legend>
          <div className="field-grid four">
            <FormField path="restart.policy" label="Restart">
              {(props) => (
                <select {...props} {...form.register('restart.policy')}>
                  {RESTART_POLICIES.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            {policy === 'on-failure' && (
              <FormField path="restart.maxRetries" label="Max retries" hint="Empty: no limit" />
            )}
            <FormField path="resources.memoryMiB" label="Memory limit (MiB)" hint="Empty: no limit" />
            <FormField path="resources.cpus" label="CPUs" hint="e.g. 0.5; empty: no limit" />
            <FormField path="user" label="User (optional)" hint="name, uid or uid:gid" />
          </div>
          <div className="checkbox">
            <input id="service-autodeploy" type="checkbox" {...form.register('autoDeploy')} />
            <label htmlFor="service-autodeploy">Deploy automatically when its source changes</label>
          </div>
        </fieldset>
        <HealthcheckFields />
        <LabelsEditor />
        <fieldset className="fieldset">
          <legend>Starts after</legend>
          {others.length === 0 ? (
            <p className="hint">No other services in this project yet.</p>
          ) : (
            <div className="segmented">
              {others.map((name) => (
                <label key={name}>
                  <input
                    type="checkbox"
                    checked={dependsOn.includes(name)}
                    onChange={(event) =>
                      form.setValue(
                        'dependsOn',
                        event.target.checked ? [...dependsOn, name] : dependsOn.filter((n) => n !== name),
                        { shouldDirty: true },
                      )
                    }
                  />{' '}
                  {name}
                </label>
              ))}
            </div>
          )}
          {errors.dependsOn?.message && <p className="field-error">{errors.dependsOn.message}</p>}
        </fieldset>
        <div className="dialog-actions sticky-actions">
          {(errors.root || Object.keys(errors).length > 0) && (
            <p className="field-error actions-error" role="alert">
              {errors.root?.message ?? 'Some fields need a fix; they are marked.'}
            </p>
          )}
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          {service ? (
            <button type="submit" className="btn primary" disabled={isSubmitting}>
              Save changes
            </button>
          ) : (
            <>
              <button type="submit" className="btn" disabled={isSubmitting}>
                Create
              </button>
              <button type="submit" className="btn primary" disabled={isSubmitting} data-start="true">
                Create and start
              </button>
            </>
          )}
        </div>
      </form>
    </FormProvider>
  )
}
