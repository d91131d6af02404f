import { FlaskConical, Plus } from 'lucide-react'
import { useState } from 'react'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import {
  CreateRouteInput,
  type CreateRouteInput as CreateRouteRequest,
  type ProxyPreview,
} from '../../../../src-preload/contract/routes'
import { toApiError } from '../../components/ConfirmDialog'
import { ErrorText } from '../../components/ErrorText'
import { Field } from '../../components/Field'
import type { ApiError } from '../../lib/api-error'
import { errorLine } from '../../lib/error-text'
import { useCan } from '../connection/connection-store'
import { useNoticesStore } from '../shell/notices-store'
import { ProxyPreviewView } from './ProxyPreviewView'
import { useRoutesStore } from './routes-store'

interface Values {
  domain: string
  path: string
  port: string
  tls: boolean
}
type FieldName = 'domain' | 'path' | 'port'
type Errors = Partial<Record<FieldName, string>>

const toInput = (serviceId: string, v: Values): CreateRouteRequest => ({
  serviceId,
  domain: v.domain.trim(),
  path: v.path.trim() === '' ? '/' : v.path.trim(),
  port: /^\d+$/.test(v.port.trim()) ? Number(v.port) : NaN,
  tls: v.tls,
})

/** The contract's own rules, each issue under the field it names. */
function validate(input: CreateRouteRequest): Errors {
  const parsed = CreateRouteInput.safeParse(input)
  if (parsed.success) return {}
  const errors: Errors = {}
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'domain') as FieldName
    errors[field] ??= field === 'port' ? 'A port from 1 to 65535' : issue.message
  }
  return errors
}

/**
 * Add a route: the container port defaults to the service's first one; "Test config" renders the configuration
 * with this route added and asks the host's nginx (`nginx -t`) before anything is applied.
 */
export function AddRouteForm({ service }: { service: ServiceSummary }) {
  const create = useRoutesStore((s) => s.create)
  const previewRoute = useRoutesStore((s) => s.preview)
  const notify = useNoticesStore((s) => s.notify)
  const can = useCan('operate')
  const firstPort = service.spec.ports.find((p) => p.protocol === 'tcp')?.container
  const initial: Values = { domain: '', path: '/', port: firstPort ? String(firstPort) : '', tls: false }
  const [values, setValues] = useState<Values>(initial)
  const [errors, setErrors] = useState<Errors>({})
  const [failure, setFailure] = useState<ApiError | null>(null)
  const [preview, setPreview] = useState<{ key: string; result: ProxyPreview } | null>(null)
  const [busy, setBusy] = useState<'test' | 'add' | null>(null)
  const input = toInput(service.id, values)
  const key = JSON.stringify(input)
  const current = preview?.key === key ? preview.result : null

  const set = <K extends keyof Values>(name: K, value: Values[K]): void => {
    setValues({ ...values, [name]: value })
    if (name in errors) setErrors({ ...errors, [name]: undefined })
  }
  const check = (): boolean => {
    const found = validate(input)
    setErrors(found)
    return Object.keys(found).length === 0
  }
  const fail = (err: unknown): void => {
    const error = toApiError(err)
    const field = error.field as FieldName | undefined
    if (error.code === 'validation' && (field === 'domain' || field === 'path' || field === 'port')) {
      setErrors({ [field]: errorLine(error) })
    } else setFailure(error)
  }
  const test = async (): Promise<void> => {
    setFailure(null)
    if (!check()) return
    setBusy('test')
    try {
      setPreview({ key, result: await previewRoute(service.hostId, input) })
    } catch (err) {
      fail(err)
    } finally {
      setBusy(null)
    }
  }
  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    setFailure(null)
    if (!check()) return
    setBusy('add')
    try {
      const route = await create(input)
      notify({
        tone: 'ok',
        text: route.tls
          ? `${route.displayDomain} is routed; its certificate is being ordered.`
          : `${route.displayDomain} is routed to ${service.spec.name}:${route.port}.`,
      })
      setValues(initial)
      setPreview(null)
    } catch (err) {
      fail(err)
    } finally {
      setBusy(null)
    }
  }

  return (
    <form
      className="card stack route-form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="add-route-heading"
    >
      <h3 id="add-route-heading">Add route</h3>
      <div className="route-form-grid">
        <Field label="Domain" error={errors.domain} hint="Its DNS must point at this host, like app.example.com">
          {(props) => (
            <input
              {...props}
              value={values.domain}
              disabled={!can.allowed}
              spellCheck={false}
              autoComplete="off"
              placeholder="app.example.com"
              onChange={(event) => set('domain', event.target.value)}
            />
          )}
        </Field>
        <Field label="Path" error={errors.path} hint="A prefix; / for everything">
          {(props) => (
            <input
              {...props}
              value={values.path}
              disabled={!can.allowed}
              spellCheck={false}
              onChange={(event) => set('path', event.target.value)}
            />
          )}
        </Field>
        <Field
          label="Container port"
          error={errors.port}
          hint={
            firstPort ? 'The port the service listens on' : 'The service publishes no port: enter the one it listens on'
          }
        >
          {(props) => (
            <input
              {...props}
              inputMode="numeric"
              value={values.port}
              disabled={!can.allowed}
              onChange={(event) => set('port', event.target.value)}
            />
          )}
        </Field>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values.tls}
          disabled={!can.allowed}
          onChange={(event) => set('tls', event.target.checked)}
        />
        HTTPS: order a certificate automatically (ACME HTTP-01), then redirect HTTP to HTTPS
      </label>
      {current && <ProxyPreviewView preview={current} />}
      {failure && (
        <div className="field-error" role="alert" data-testid="route-error">
          <ErrorText code={failure.code} message={failure.message} />
          {failure.code === 'proxy_rejected' && (
            <pre className="config-block wrap" aria-label="nginx said">
              {failure.message}
            </pre>
          )}
        </div>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          disabled={!can.allowed || busy !== null}
          title={can.reason ?? 'Render the configuration with this route and let nginx check it; nothing is applied'}
          onClick={() => void test()}
        >
          <FlaskConical size={14} aria-hidden="true" /> {busy === 'test' ? 'Testing…' : 'Test config'}
        </button>
        <button
          type="submit"
          className="btn primary"
          disabled={!can.allowed || busy !== null || current?.test.ok === false}
          title={can.reason}
        >
          <Plus size={14} aria-hidden="true" /> {busy === 'add' ? 'Adding…' : 'Add route'}
        </button>
        {can.reason && <span className="hint">{can.reason}</span>}
      </div>
    </form>
  )
}
