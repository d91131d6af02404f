import { useState } from 'react'
import {
  LETSENCRYPT_DIRECTORY,
  LETSENCRYPT_STAGING_DIRECTORY,
  type SettingsSummary,
} from '../../../../src-preload/contract/cicd'
import { toApiError } from '../../components/ConfirmDialog'
import { Field } from '../../components/Field'
import { ErrorState, Loading } from '../../components/States'
import { errorLine } from '../../lib/error-text'
import { useCan } from '../connection/connection-store'
import { useNoticesStore } from '../shell/notices-store'
import { settingsFieldError } from './settings-field-error'
import { useSettingsStore } from './settings-store'

type Preset = 'production' | 'staging' | 'custom'

const PRESETS: { id: Preset; label: string; hint: string }[] = [
  { id: 'production', label: 'Let’s Encrypt', hint: 'Trusted by browsers; rate-limited per domain' },
  {
    id: 'staging',
    label: 'Let’s Encrypt staging',
    hint: 'For trying things out: generous limits, untrusted certificates',
  },
  { id: 'custom', label: 'Another ACME directory', hint: 'ZeroSSL, Buypass, step-ca, Pebble…' },
]

const presetOf = (url: string): Preset =>
  url === LETSENCRYPT_DIRECTORY ? 'production' : url === LETSENCRYPT_STAGING_DIRECTORY ? 'staging' : 'custom'

/** Where certificates for HTTPS routes are ordered, and the contact on the ACME account: admin only. */
export function AcmeSettingsSection() {
  const { settings, error, load } = useSettingsStore()
  return (
    <section className="card" aria-labelledby="acme-heading">
      <h2 id="acme-heading">HTTPS certificates (ACME)</h2>
      {error ? (
        <ErrorState error={error} onRetry={() => void load()} />
      ) : !settings ? (
        <Loading label="Loading…" />
      ) : (
        <AcmeForm key={`${settings.acmeDirectoryUrl}|${settings.acmeEmail ?? ''}`} settings={settings} />
      )}
    </section>
  )
}

function AcmeForm({ settings }: { settings: SettingsSummary }) {
  const update = useSettingsStore((s) => s.update)
  const notify = useNoticesStore((s) => s.notify)
  const can = useCan('admin')
  const [preset, setPreset] = useState<Preset>(presetOf(settings.acmeDirectoryUrl))
  const [custom, setCustom] = useState(preset === 'custom' ? settings.acmeDirectoryUrl : '')
  const [email, setEmail] = useState(settings.acmeEmail ?? '')
  const [errors, setErrors] = useState<{ url?: string | undefined; email?: string | undefined; root?: string }>({})
  const [busy, setBusy] = useState(false)

  const save = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    const url = preset === 'production' ? null : preset === 'staging' ? LETSENCRYPT_STAGING_DIRECTORY : custom.trim()
    const contact = email.trim() === '' ? null : email.trim()
    const found = {
      url:
        preset === 'custom' && url === '' ? 'Enter the directory URL' : settingsFieldError({ acmeDirectoryUrl: url }),
      email: settingsFieldError({ acmeEmail: contact }),
    }
    setErrors(found)
    if (found.url || found.email) return
    setBusy(true)
    try {
      await update({ acmeDirectoryUrl: url, acmeEmail: contact })
      notify({ tone: 'ok', text: 'The ACME settings are saved; the next order uses them.' })
    } catch (err) {
      const error = toApiError(err)
      if (error.field === 'acmeDirectoryUrl') setErrors({ url: errorLine(error) })
      else if (error.field === 'acmeEmail') setErrors({ email: errorLine(error) })
      else setErrors({ root: errorLine(error) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="stack settings-stack" onSubmit={(event) => void save(event)} noValidate aria-label="ACME settings">
      <p className="muted">
        An HTTPS route orders its certificate from this directory over HTTP-01 (the domain’s DNS must point at the host
        and port 80 must reach its proxy), and renews it before it expires. See them under Certificates.
      </p>
      <fieldset className="fieldset" disabled={!can.allowed}>
        <legend>Directory</legend>
        <div className="stack tight">
          {PRESETS.map((p) => (
            <label key={p.id} className="checkbox">
              <input
                type="radio"
                name="acme-preset"
                value={p.id}
                checked={preset === p.id}
                onChange={() => setPreset(p.id)}
              />
              {p.label} <span className="muted small">— {p.hint}</span>
            </label>
          ))}
        </div>
        {preset === 'custom' && (
          <Field label="Directory URL" error={errors.url} hint="The https:// URL of the CA’s ACME directory">
            {(props) => (
              <input
                {...props}
                type="url"
                value={custom}
                spellCheck={false}
                placeholder="https://acme.example.com/directory"
                onChange={(event) => setCustom(event.target.value)}
              />
            )}
          </Field>
        )}
        {preset !== 'custom' && errors.url && <p className="field-error">{errors.url}</p>}
      </fieldset>
      <Field
        label="Contact email (optional)"
        error={errors.email}
        hint={can.reason ?? 'The CA writes here about expiring certificates and policy changes'}
      >
        {(props) => (
          <input
            {...props}
            type="email"
            value={email}
            disabled={!can.allowed}
            autoComplete="email"
            placeholder="ops@example.com"
            onChange={(event) => setEmail(event.target.value)}
          />
        )}
      </Field>
      {errors.root && (
        <p className="field-error" role="alert">
          {errors.root}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!can.allowed || busy} title={can.reason}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}
