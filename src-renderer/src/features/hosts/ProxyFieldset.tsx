import { DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT, DEFAULT_PROXY_IMAGE } from '../../../../src-preload/contract/routes'
import { Field } from '../../components/Field'
import type { ProxyField } from './proxy-form'

interface ProxyFieldsetProps {
  /** The props that bind one input to the form that owns the values (react-hook-form or plain state). */
  bind(field: ProxyField): React.InputHTMLAttributes<HTMLInputElement>
  errors: Partial<Record<ProxyField, string | undefined>>
  /** An edit says the proxy is recreated; a new host says it is created with the first route. */
  editing: boolean
}

/** The host's nginx proxy for routes: optional, the defaults shown as placeholders. */
export function ProxyFieldset({ bind, errors, editing }: ProxyFieldsetProps) {
  return (
    <fieldset className="fieldset">
      <legend>Proxy (optional)</legend>
      <p className="hint">
        The nginx container that serves this host’s routes.{' '}
        {editing
          ? 'A change recreates it at its next apply: a route change, or Re-apply on the host’s Routes tab.'
          : 'It is created with the first route; empty fields keep the defaults.'}{' '}
        Ports are published on the host; HTTP must be reachable on port 80 from the internet for ACME certificates.
      </p>
      <Field label="Image" error={errors.image} hint={`Default ${DEFAULT_PROXY_IMAGE}`}>
        {(props) => <input {...props} {...bind('image')} placeholder={DEFAULT_PROXY_IMAGE} spellCheck={false} />}
      </Field>
      <div className="field-row proxy-ports">
        <Field label="HTTP port" error={errors.httpPort} hint={`Default ${DEFAULT_HTTP_PORT}`}>
          {(props) => (
            <input {...props} {...bind('httpPort')} inputMode="numeric" placeholder={String(DEFAULT_HTTP_PORT)} />
          )}
        </Field>
        <Field label="HTTPS port" error={errors.httpsPort} hint={`Default ${DEFAULT_HTTPS_PORT}`}>
          {(props) => (
            <input {...props} {...bind('httpsPort')} inputMode="numeric" placeholder={String(DEFAULT_HTTPS_PORT)} />
          )}
        </Field>
      </div>
    </fieldset>
  )
}
