import { ShieldAlert } from 'lucide-react'
import { useEffect } from 'react'
import { ErrorState, Loading } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import { useSecretsStore } from './secrets-store'

export function SecretsSection() {
  const { status, error, load, consent, watch } = useSecretsStore()
  useEffect(() => watch(), [watch])
  return (
    <section className="card" aria-labelledby="secrets-heading">
      <h2 id="secrets-heading">Secret storage</h2>
      {error ? (
        <ErrorState error={error} onRetry={() => void load()} />
      ) : !status ? (
        <Loading label="Loading…" />
      ) : (
        <>
          <p>
            Keys and passwords are encrypted with AES-256-GCM; the key is protected by <code>{status.backend}</code>.{' '}
            <StatusChip tone={status.secure ? 'ok' : 'warn'}>{status.secure ? 'Protected' : 'No keychain'}</StatusChip>
          </p>
          {status.consentRequired && !status.consented && (
            <div className="notice warn" role="alert">
              <ShieldAlert size={16} aria-hidden="true" />
              <div>
                No OS keychain is available, so stored secrets would only be obfuscated. glinrdock will not store SSH
                keys or passwords until you allow it.
                <div>
                  <button type="button" className="btn" onClick={() => void consent()}>
                    Store secrets anyway
                  </button>
                </div>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  )
}
