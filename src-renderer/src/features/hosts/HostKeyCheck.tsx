import { KeyRound, ShieldAlert } from 'lucide-react'
import { useId } from 'react'
import type { ProbeResult } from '../../../../src-preload/contract/hosts'
import { ErrorState } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import type { ApiError } from '../../lib/api-error'

/** The key a server presented, and what `~/.ssh/known_hosts` says about it. */
export function FingerprintView({ result, host }: { result: ProbeResult; host: string }) {
  return (
    <div className="fingerprint">
      <div className="fingerprint-line">
        <span className="muted">{result.keyType}</span>
        <code data-testid="host-key-fingerprint">{result.hostKeyFingerprint}</code>
      </div>
      {result.knownHosts === 'match' && (
        <StatusChip tone="ok" state="match">
          Matches ~/.ssh/known_hosts
        </StatusChip>
      )}
      {result.knownHosts === 'unknown' && (
        <StatusChip tone="neutral" state="unknown">
          Not in ~/.ssh/known_hosts
        </StatusChip>
      )}
      {result.knownHosts === 'mismatch' && (
        <div className="notice bad" role="alert" data-testid="known-hosts-mismatch">
          <ShieldAlert size={16} aria-hidden="true" />
          <div>
            <strong>~/.ssh/known_hosts lists a different key for {host}.</strong> Someone may be intercepting the
            connection, or the server was reinstalled. Check the fingerprint with the server&rsquo;s administrator
            before you trust it.
          </div>
        </div>
      )}
    </div>
  )
}

interface HostKeyCheckProps {
  host: string
  result: ProbeResult | null
  probing: boolean
  error: ApiError | null
  /** A server error about the confirmed key (it changed between probe and create, say). */
  fieldError?: string | undefined
  verified: boolean
  onVerifiedChange(verified: boolean): void
  onProbe(): void
}

/** Probe → show the fingerprint → the user confirms they checked it. Nothing is trusted silently. */
export function HostKeyCheck(props: HostKeyCheckProps) {
  const { host, result, probing, error, fieldError, verified, onVerifiedChange, onProbe } = props
  const checkboxId = useId()
  return (
    <fieldset className="fieldset">
      <legend>Host key</legend>
      <p className="muted">
        glinrdock pins the server&rsquo;s key and refuses to connect if it ever changes. Compare it with{' '}
        <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on the server.
      </p>
      <div>
        <button type="button" className="btn" onClick={onProbe} disabled={probing}>
          <KeyRound size={14} aria-hidden="true" /> {probing ? 'Probing…' : result ? 'Probe again' : 'Probe host key'}
        </button>
      </div>
      {error && <ErrorState error={error} />}
      {result && (
        <>
          <FingerprintView result={result} host={host} />
          <div className="checkbox">
            <input
              id={checkboxId}
              type="checkbox"
              checked={verified}
              onChange={(event) => onVerifiedChange(event.target.checked)}
            />
            <label htmlFor={checkboxId}>I have verified this fingerprint</label>
          </div>
        </>
      )}
      {fieldError && (
        <p className="field-error" role="alert">
          {fieldError}
        </p>
      )}
    </fieldset>
  )
}
