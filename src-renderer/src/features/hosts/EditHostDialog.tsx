import { useState } from 'react'
import {
  TestHostInput,
  UpdateHostInput,
  type HostSummary,
  type ProbeResult,
} from '../../../../src-preload/contract/hosts'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { ErrorText } from '../../components/ErrorText'
import { Field } from '../../components/Field'
import type { ApiError } from '../../lib/api-error'
import { ConnectionTest } from './ConnectionTest'
import {
  addressChanged,
  toTestInput,
  toUpdateInput,
  validate,
  valuesFromHost,
  type CredentialChoice,
  type EditHostValues,
  type FieldErrors,
} from './edit-host-form'
import { HostKeyCheck } from './HostKeyCheck'
import { proxyFieldMessage, type ProxyField } from './proxy-form'
import { ProxyFieldset } from './ProxyFieldset'
import { useHostsStore } from './hosts-store'

const CREDENTIALS: [CredentialChoice, string][] = [
  ['keep', 'Keep the stored credential'],
  ['privateKeyPath', 'Key file'],
  ['privateKey', 'Pasted key'],
  ['password', 'Password'],
  ['agent', 'ssh-agent'],
]

/** Opens with the host's current settings; the dialog body mounts fresh each time, so nothing stale stays. */
export function EditHostDialog({ host, onClose }: { host: HostSummary | null; onClose(): void }) {
  return (
    <Dialog
      open={host !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Edit ${host?.name ?? 'host'}`}
      wide
    >
      {host && <EditHostForm host={host} onDone={onClose} />}
    </Dialog>
  )
}

const PROXY_KEYS = {
  image: 'proxyImage',
  httpPort: 'proxyHttpPort',
  httpsPort: 'proxyHttpsPort',
} as const satisfies Record<ProxyField, keyof EditHostValues>

function EditHostForm({ host, onDone }: { host: HostSummary; onDone(): void }) {
  const { update, probe } = useHostsStore()
  const [values, setValues] = useState<EditHostValues>(() => valuesFromHost(host))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState<ApiError | null>(null)
  const [saving, setSaving] = useState(false)
  const [probed, setProbed] = useState<{ target: string; result: ProbeResult } | null>(null)
  const [probeError, setProbeError] = useState<ApiError | null>(null)
  const [probing, setProbing] = useState(false)
  const [verified, setVerified] = useState(false)
  const set = <K extends keyof EditHostValues>(key: K, value: EditHostValues[K]): void =>
    setValues((current) => ({ ...current, [key]: value }))

  const moved = addressChanged(host, values)
  const target = `${values.host.trim()}:${values.port}`
  const presented = probed?.target === target ? probed.result : null
  const confirmedKey = moved && presented && verified ? presented.hostKeyFingerprint : null

  const runProbe = async (): Promise<void> => {
    setProbing(true)
    setProbeError(null)
    setVerified(false)
    try {
      setProbed({ target, result: await probe(values.host.trim(), Number(values.port)) })
    } catch (err) {
      setProbeError(toApiError(err))
    } finally {
      setProbing(false)
    }
  }

  const save = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    const input = toUpdateInput(host, values, confirmedKey)
    const found = validate(UpdateHostInput, input)
    setErrors(found)
    if (Object.keys(found).length > 0) return
    setSaving(true)
    setFailure(null)
    try {
      await update(input)
      onDone()
    } catch (err) {
      const error = toApiError(err)
      const field = error.field?.startsWith('proxy.') ? error.field : error.field?.split('.').pop()
      if (error.code === 'validation' && field)
        setErrors({ [field === 'hostKeyFingerprint' ? 'host' : field]: error.message })
      else setFailure(error)
    } finally {
      setSaving(false)
    }
  }

  const testInput = async (): Promise<TestHostInput | null> => {
    const input = toTestInput(host, values, confirmedKey)
    const found = validate(TestHostInput, input)
    setErrors(found)
    return Object.keys(found).length > 0 ? null : input
  }

  const text = (key: keyof EditHostValues, label: string, hint?: string, type = 'text') => (
    <Field label={label} error={errors[key]} hint={hint}>
      {(props) => (
        <input
          {...props}
          type={type}
          value={values[key]}
          onChange={(event) => set(key, event.target.value)}
          spellCheck={false}
        />
      )}
    </Field>
  )

  return (
    <form className="stack" onSubmit={(event) => void save(event)} noValidate aria-label={`Edit ${host.name}`}>
      {text('name', 'Name')}
      <Field label="Labels" error={errors.labels} hint="key=value, one per line (for example env=prod)">
        {(props) => (
          <textarea {...props} rows={3} value={values.labels} onChange={(event) => set('labels', event.target.value)} />
        )}
      </Field>
      {host.ssh && (
        <fieldset className="fieldset">
          <legend>SSH connection</legend>
          <div className="field-row">
            {text('host', 'Host')}
            {text('port', 'Port', undefined, 'number')}
            {text('username', 'User')}
          </div>
          <Field label="Credential" hint="Stored credentials are never shown; choose another to replace them">
            {(props) => (
              <select
                {...props}
                value={values.credential}
                onChange={(event) => set('credential', event.target.value as CredentialChoice)}
              >
                {CREDENTIALS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {values.credential === 'privateKeyPath' && text('privateKeyPath', 'Private key file')}
          {values.credential === 'privateKey' && (
            <Field label="Private key" error={errors.privateKey}>
              {(props) => (
                <textarea
                  {...props}
                  rows={4}
                  value={values.privateKey}
                  onChange={(event) => set('privateKey', event.target.value)}
                  spellCheck={false}
                />
              )}
            </Field>
          )}
          {(values.credential === 'privateKeyPath' || values.credential === 'privateKey') &&
            text('passphrase', 'Passphrase (if the key has one)', undefined, 'password')}
          {values.credential === 'password' && text('password', 'Password', undefined, 'password')}
          {moved && (
            <HostKeyCheck
              host={values.host}
              result={presented}
              probing={probing}
              error={probeError}
              fieldError={errors.host && !presented ? 'Read and confirm the host key of the new address' : undefined}
              verified={verified}
              onVerifiedChange={setVerified}
              onProbe={() => void runProbe()}
            />
          )}
        </fieldset>
      )}
      {text(
        'socketPath',
        host.ssh ? 'Remote Docker socket' : 'Docker socket',
        host.ssh ? 'The socket path on the server' : 'The engine’s socket on this computer',
      )}
      <ProxyFieldset
        editing
        bind={(field) => {
          const key = PROXY_KEYS[field]
          return { value: values[key], onChange: (event) => set(key, event.target.value), spellCheck: false }
        }}
        errors={{
          image: errors['proxy.image'],
          httpPort: proxyFieldMessage('httpPort', errors['proxy.httpPort']),
          httpsPort: proxyFieldMessage('httpsPort', errors['proxy.httpsPort']),
        }}
      />
      <ConnectionTest input={testInput} />
      {failure && (
        <p className="field-error" role="alert">
          <ErrorText code={failure.code} message={failure.message} />
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={saving || (moved && !confirmedKey)}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}
