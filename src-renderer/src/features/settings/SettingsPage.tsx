import { useEffect } from 'react'
import { ErrorState, Loading } from '../../components/States'
import { NotificationSettings } from '../notifications/NotificationSettings'
import { SecretsSection } from '../secrets/SecretsSection'
import { useSystemStore } from '../system/system-store'
import { TokensSection } from '../tokens/TokensSection'
import { AcmeSettingsSection } from './AcmeSettingsSection'
import { useSettingsStore } from './settings-store'
import { CicdSettingsSection } from './CicdSettingsSection'
import './settings.css'

export function SettingsPage() {
  const { info, error, load } = useSystemStore()
  // Once for the sections below that show settings (CI/CD, ACME, notifications).
  const loadSettings = useSettingsStore((s) => s.load)
  useEffect(() => {
    void load()
    void loadSettings()
  }, [load, loadSettings])
  return (
    <div className="stack">
      <section className="card" aria-labelledby="about-heading">
        <h2 id="about-heading">About</h2>
        {error ? (
          <ErrorState error={error} onRetry={() => void load()} />
        ) : !info ? (
          <Loading label="Loading…" />
        ) : (
          <dl className="facts">
            <dt>Version</dt>
            <dd data-testid="version">{info.version}</dd>
            <dt>Mode</dt>
            <dd>{info.mode}</dd>
            <dt>Data directory</dt>
            <dd>
              <code>{info.dataDir}</code>
            </dd>
          </dl>
        )}
      </section>
      <SecretsSection />
      <CicdSettingsSection />
      <AcmeSettingsSection />
      <NotificationSettings />
      <TokensSection />
    </div>
  )
}
