import { useState } from 'react'
import type { SettingsSummary, UpdateSettingsInput } from '../../../../src-preload/contract/cicd'
import { ConfirmDialog, toApiError } from '../../components/ConfirmDialog'
import { CopyButton } from '../../components/CopyButton'
import { Field } from '../../components/Field'
import { ErrorState, Loading } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import { isDesktop } from '../../lib/api'
import { errorLine } from '../../lib/error-text'
import { useCan } from '../connection/connection-store'
import { useNoticesStore } from '../shell/notices-store'
import { settingsFieldError } from './settings-field-error'
import { useSettingsStore } from './settings-store'

type SecretField = 'githubWebhookSecret' | 'gitSshKey'

/** GitHub webhooks, the git ssh key and how many deployments are kept for rollback: admin only. */
export function CicdSettingsSection() {
  const { settings, error, load } = useSettingsStore()
  return (
    <section className="card" aria-labelledby="cicd-heading">
      <h2 id="cicd-heading">Builds and deployments</h2>
      {error ? (
        <ErrorState error={error} onRetry={() => void load()} />
      ) : !settings ? (
        <Loading label="Loading…" />
      ) : (
        <div className="stack settings-stack">
          <WebhookSettings settings={settings} />
          <SshKeySettings settings={settings} />
          <ProtectedDeployments settings={settings} />
        </div>
      )}
    </section>
  )
}

function WebhookSettings({ settings }: { settings: SettingsSummary }) {
  const url = isDesktop() ? settings.githubWebhookPath : `${location.origin}${settings.githubWebhookPath}`
  return (
    <div className="stack tight" role="group" aria-labelledby="webhook-heading">
      <h3 id="webhook-heading">GitHub webhook</h3>
      <p className="muted">
        In the repository on GitHub: Settings → Webhooks → Add webhook. Payload URL below, content type{' '}
        <code>application/json</code>, the same secret as here, “Just the push event”. A push to a service’s branch
        builds it (and deploys it when the service deploys automatically).
      </p>
      <div className="secret-box" data-testid="webhook-url">
        <code>{url}</code>
        <CopyButton value={url} label="Copy the webhook URL" />
      </div>
      {isDesktop() && (
        <p className="hint">
          This is the path on the headless server (<code>glinrdock serve</code>); GitHub cannot reach the desktop app.
          For a repository GitHub cannot reach you from, turn on polling in the service’s git source instead.
        </p>
      )}
      <SecretSetting
        field="githubWebhookSecret"
        isSet={settings.githubWebhookSecretSet}
        name="webhook secret"
        label="Webhook secret"
        hint="At least 8 characters. Without a secret, webhooks are refused."
        removeText="Without a secret every webhook from GitHub is refused, until a new one is set."
      />
    </div>
  )
}

function SshKeySettings({ settings }: { settings: SettingsSummary }) {
  return (
    <div className="stack tight" role="group" aria-labelledby="sshkey-heading">
      <h3 id="sshkey-heading">Git SSH key</h3>
      <p className="muted">
        For <code>ssh://</code> and <code>git@host:repo</code> sources when no ssh agent on this machine has a key the
        repository accepts (a GitHub deploy key, say). It is encrypted at rest and never shown again.
      </p>
      <SecretSetting
        field="gitSshKey"
        isSet={settings.gitSshKeySet}
        name="git SSH key"
        label="Private key"
        hint="An OpenSSH or PEM private key without a passphrase (-----BEGIN … PRIVATE KEY-----)."
        removeText="Builds of ssh sources then use only the ssh agent of this machine."
        multiline
      />
    </div>
  )
}

interface SecretSettingProps {
  field: SecretField
  isSet: boolean
  name: string
  label: string
  hint: string
  removeText: string
  multiline?: boolean
}

/** A write-only secret: whether it is set, a field to replace it (cleared once saved), and a way to remove it. */
function SecretSetting({ field, isSet, name, label, hint, removeText, multiline }: SecretSettingProps) {
  const update = useSettingsStore((s) => s.update)
  const notify = useNoticesStore((s) => s.notify)
  const can = useCan('admin')
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const [removing, setRemoving] = useState(false)
  const save = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    const input: UpdateSettingsInput = { [field]: multiline ? value.trim() + '\n' : value }
    const invalid = value.trim() === '' ? `Enter the ${name}` : settingsFieldError(input)
    if (invalid) return setError(invalid)
    setError(undefined)
    setBusy(true)
    try {
      await update(input)
      setValue('')
      notify({ tone: 'ok', text: `The ${name} is saved.` })
    } catch (err) {
      setError(errorLine(toApiError(err)))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="stack tight" onSubmit={(event) => void save(event)} noValidate aria-label={`Set the ${name}`}>
      <p>
        <StatusChip tone={isSet ? 'ok' : 'neutral'} state={isSet ? 'set' : 'unset'} testId={`${field}-state`}>
          {isSet ? 'Set' : 'Not set'}
        </StatusChip>
      </p>
      <Field label={isSet ? `New ${label.toLowerCase()}` : label} error={error} hint={can.reason ?? hint}>
        {(props) =>
          multiline ? (
            <textarea
              {...props}
              className="key-textarea"
              rows={5}
              value={value}
              disabled={!can.allowed}
              spellCheck={false}
              autoComplete="off"
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
              onChange={(event) => setValue(event.target.value)}
            />
          ) : (
            <input
              {...props}
              type="password"
              value={value}
              disabled={!can.allowed}
              autoComplete="new-password"
              onChange={(event) => setValue(event.target.value)}
            />
          )
        }
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!can.allowed || busy} title={can.reason}>
          {busy ? 'Saving…' : isSet ? `Replace the ${name}` : `Save the ${name}`}
        </button>
        {isSet && (
          <button
            type="button"
            className="btn danger"
            disabled={!can.allowed || busy}
            title={can.reason}
            onClick={() => setRemoving(true)}
          >
            Remove the {name}
          </button>
        )}
      </div>
      <ConfirmDialog
        open={removing}
        onOpenChange={setRemoving}
        title={`Remove the ${name}?`}
        description={removeText}
        confirmLabel={`Remove the ${name}`}
        busyLabel="Removing…"
        onConfirm={async () => {
          await update({ [field]: null })
          notify({ tone: 'ok', text: `The ${name} is removed.` })
        }}
      />
    </form>
  )
}

function ProtectedDeployments({ settings }: { settings: SettingsSummary }) {
  const update = useSettingsStore((s) => s.update)
  const notify = useNoticesStore((s) => s.notify)
  const can = useCan('admin')
  const [value, setValue] = useState(String(settings.protectedDeployments))
  const [error, setError] = useState<string | undefined>()
  const save = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    const input = { protectedDeployments: Number(value) }
    // The contract's range (1–100) in words: zod's own message speaks of "too_small" numbers.
    const invalid =
      /^\d+$/.test(value.trim()) && !settingsFieldError(input) ? undefined : 'A whole number from 1 to 100'
    if (invalid) return setError(invalid)
    setError(undefined)
    try {
      await update(input)
      notify({ tone: 'ok', text: `The last ${input.protectedDeployments} deployments of each service are kept.` })
    } catch (err) {
      setError(errorLine(toApiError(err)))
    }
  }
  return (
    <form className="stack tight" onSubmit={(event) => void save(event)} noValidate aria-labelledby="protected-heading">
      <h3 id="protected-heading">Images kept for rollback</h3>
      <div className="inline-form">
        <Field
          label="Successful deployments kept per service"
          error={error}
          hint={can.reason ?? 'Their images are never removed by a prune in glinrdock, so a rollback to them works.'}
        >
          {(props) => (
            <input
              {...props}
              inputMode="numeric"
              className="narrow-input"
              value={value}
              disabled={!can.allowed}
              onChange={(event) => setValue(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="btn" disabled={!can.allowed} title={can.reason}>
          Save
        </button>
      </div>
    </form>
  )
}
