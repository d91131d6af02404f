import { useEffect, useState } from 'react'
import {
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationPreferences,
} from '../../../../src-preload/contract/cicd'
import { toApiError } from '../../components/ConfirmDialog'
import { ErrorState, Loading } from '../../components/States'
import { StatusChip, type Tone } from '../../components/StatusChip'
import { errorLine } from '../../lib/error-text'
import { useCan } from '../connection/connection-store'
import { useSettingsStore } from '../settings/settings-store'
import { useNoticesStore } from '../shell/notices-store'
import { useBrowserNotifications, type BrowserPermission } from './browser-notifications'

const KIND_TEXT: Record<NotificationKind, string> = {
  'build.succeeded': 'Build succeeded',
  'build.failed': 'Build failed',
  'deploy.succeeded': 'Deployment succeeded',
  'deploy.failed': 'Deployment failed',
  'rollback.succeeded': 'Rollback succeeded',
  'rollback.failed': 'Rollback failed',
  'health.unhealthy': 'A running service became unhealthy',
  'cert.issued': 'Certificate issued or renewed',
  'cert.failed': 'Certificate order failed',
  'cert.expiring': 'Certificate expiring soon (renewal keeps failing)',
}

const PERMISSION: Record<BrowserPermission, [Tone, string]> = {
  granted: ['ok', 'Allowed in this browser'],
  denied: ['bad', 'Blocked in this browser'],
  default: ['neutral', 'Not asked yet'],
  unsupported: ['neutral', 'Not available in this browser'],
  'desktop-app': ['ok', 'Shown by the desktop app'],
}

const fill = (prefs: NotificationPreferences): Record<NotificationKind, { enabled: boolean; desktop: boolean }> =>
  Object.fromEntries(
    NOTIFICATION_KINDS.map((kind) => [kind, prefs[kind] ?? { enabled: true, desktop: false }]),
  ) as Record<NotificationKind, { enabled: boolean; desktop: boolean }>

/**
 * Which results are shown (the list and a toast) and which also as a system notification, per kind; and the
 * browser's permission, asked only when the user presses the button.
 */
export function NotificationSettings() {
  const { settings, error, load, update } = useSettingsStore()
  const notify = useNoticesStore((s) => s.notify)
  const can = useCan('admin')
  // What the user changed; until then (and after a save) the stored preferences as they are.
  const [edited, setEdited] = useState<ReturnType<typeof fill> | null>(null)
  const [saveError, setSaveError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const draft = edited ?? (settings ? fill(settings.notifications) : null)

  const change = (kind: NotificationKind, key: 'enabled' | 'desktop', value: boolean): void => {
    if (!draft) return
    const next = { ...draft[kind], [key]: value }
    // A system notification of something not shown at all makes no sense: the two go together.
    if (key === 'enabled' && !value) next.desktop = false
    if (key === 'desktop' && value) next.enabled = true
    setEdited({ ...draft, [kind]: next })
  }
  const dirty = settings && draft && JSON.stringify(fill(settings.notifications)) !== JSON.stringify(draft)
  const save = (): void => {
    if (!draft) return
    setBusy(true)
    setSaveError(undefined)
    update({ notifications: draft })
      .then(() => {
        setEdited(null)
        notify({ tone: 'ok', text: 'Notification preferences saved.' })
      })
      .catch((err: unknown) => setSaveError(errorLine(toApiError(err))))
      .finally(() => setBusy(false))
  }

  return (
    <section className="card" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <BrowserPermissionRow />
      {error ? (
        <ErrorState error={error} onRetry={() => void load()} />
      ) : !draft ? (
        <Loading label="Loading…" />
      ) : (
        <div className="stack tight">
          <div className="table-scroll">
            <table className="table prefs-table" aria-label="Notification preferences">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Show (list and toast)</th>
                  <th scope="col">System notification</th>
                </tr>
              </thead>
              <tbody>
                {NOTIFICATION_KINDS.map((kind) => (
                  <tr key={kind}>
                    <th scope="row">{KIND_TEXT[kind]}</th>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Show: ${KIND_TEXT[kind]}`}
                        checked={draft[kind].enabled}
                        disabled={!can.allowed}
                        title={can.reason}
                        onChange={(event) => change(kind, 'enabled', event.target.checked)}
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`System notification: ${KIND_TEXT[kind]}`}
                        checked={draft[kind].desktop}
                        disabled={!can.allowed}
                        title={can.reason}
                        onChange={(event) => change(kind, 'desktop', event.target.checked)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {saveError && (
            <p className="field-error" role="alert">
              {saveError}
            </p>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="btn primary"
              disabled={!can.allowed || !dirty || busy}
              title={can.reason ?? (dirty ? undefined : 'Nothing changed')}
              onClick={save}
            >
              {busy ? 'Saving…' : 'Save preferences'}
            </button>
            {can.reason && <span className="muted small">{can.reason} to change these.</span>}
          </div>
        </div>
      )}
    </section>
  )
}

function BrowserPermissionRow() {
  const { permission, request, refresh } = useBrowserNotifications()
  // The user may change it in the browser's site settings meanwhile.
  useEffect(() => {
    refresh()
    addEventListener('focus', refresh)
    return () => removeEventListener('focus', refresh)
  }, [refresh])
  const [tone, text] = PERMISSION[permission]
  return (
    <div className="permission-row">
      <span>System notifications:</span>{' '}
      <StatusChip tone={tone} state={permission} testId="notification-permission">
        {text}
      </StatusChip>
      {permission === 'default' && (
        <button type="button" className="btn" onClick={() => void request()}>
          Allow browser notifications
        </button>
      )}
      {permission === 'denied' && (
        <span className="muted small">Allow them in the browser’s site settings for this address, then come back.</span>
      )}
      {permission === 'unsupported' && (
        <span className="muted small">Toasts and the bell still show every result.</span>
      )}
    </div>
  )
}
