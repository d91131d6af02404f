import { useEffect, useId, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { HostSummary, ProbeResult } from '../../../../src-preload/contract/hosts'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { ErrorState, Loading } from '../../components/States'
import type { ApiError } from '../../lib/api-error'
import { FingerprintView } from './HostKeyCheck'
import { useHostsStore } from './hosts-store'

/** After `host_key_mismatch`: probe, show the old and the new key side by side, re-pin only when confirmed. */
export function ReplaceHostKeyDialog({ host, onClose }: { host: HostSummary | null; onClose(): void }) {
  return (
    <Dialog
      open={host !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Replace pinned key of ${host?.name ?? ''}`}
      description="Only do this when you know why the server's key changed (a reinstall, a key rotation)."
      wide
    >
      {host?.ssh && <ReplaceKeyBody key={host.id} host={host} ssh={host.ssh} onDone={onClose} />}
    </Dialog>
  )
}

function ReplaceKeyBody(props: { host: HostSummary; ssh: NonNullable<HostSummary['ssh']>; onDone(): void }) {
  const { host, ssh, onDone } = props
  const { probe, replaceHostKey } = useHostsStore(
    useShallow((s) => ({ probe: s.probe, replaceHostKey: s.replaceHostKey })),
  )
  const [result, setResult] = useState<ProbeResult | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [verified, setVerified] = useState(false)
  const [busy, setBusy] = useState(false)
  const checkboxId = useId()
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let live = true
    probe(ssh.host, ssh.port)
      .then((found) => live && setResult(found))
      .catch((err: unknown) => live && setError(toApiError(err)))
    return () => {
      live = false
    }
  }, [probe, ssh.host, ssh.port, attempt])

  const retry = (): void => {
    setError(null)
    setResult(null)
    setVerified(false)
    setAttempt(attempt + 1)
  }

  return (
    <div className="stack">
      <dl className="facts">
        <dt>Pinned</dt>
        <dd>
          <span className="muted">{ssh.hostKeyType}</span>{' '}
          <code data-testid="pinned-fingerprint">{ssh.hostKeyFingerprint}</code>
        </dd>
      </dl>
      {error ? (
        <ErrorState error={error} onRetry={retry} />
      ) : !result ? (
        <Loading label={`Probing ${ssh.host}:${ssh.port}…`} />
      ) : (
        <>
          <div>
            <div className="muted">Now presented</div>
            <FingerprintView result={result} host={ssh.host} />
          </div>
          <div className="checkbox">
            <input id={checkboxId} type="checkbox" checked={verified} onChange={(e) => setVerified(e.target.checked)} />
            <label htmlFor={checkboxId}>I have verified this fingerprint</label>
          </div>
        </>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="btn danger"
          disabled={!result || !verified || busy}
          onClick={() => {
            if (!result) return
            setBusy(true)
            replaceHostKey(host.id, result.hostKeyFingerprint)
              .then(onDone)
              .catch((err: unknown) => {
                setError(toApiError(err))
                setVerified(false)
              })
              .finally(() => setBusy(false))
          }}
        >
          Replace pinned key
        </button>
      </div>
    </div>
  )
}
