import { RefreshCw, ShieldPlus } from 'lucide-react'
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import type { CertSummary } from '../../../../src-preload/contract/routes'
import { toApiError } from '../../components/ConfirmDialog'
import { RelativeTime } from '../../components/RelativeTime'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import { useNow } from '../../components/use-now'
import { errorLine } from '../../lib/error-text'
import { PermittedButton } from '../connection/PermittedButton'
import { useNoticesStore } from '../shell/notices-store'
import { paths } from '../shell/routes'
import { byExpiry, CERT_TEXT, CERT_TONE, daysText, RENEWAL_SOURCE_TEXT } from './route-labels'
import { useRoutesStore } from './routes-store'
import './routes.css'

/** Every certificate behind an HTTPS route, the one expiring first on top; kept current by `certs.changed`. */
export function CertsPage() {
  const watch = useRoutesStore((s) => s.watchCerts)
  const load = useRoutesStore((s) => s.loadCerts)
  const state = useRoutesStore((s) => s.certs)
  useEffect(() => watch(), [watch])
  if (state.status === 'error' && state.error) return <ErrorState error={state.error} onRetry={() => void load()} />
  if (state.status === 'loading') return <Loading label="Loading certificates…" />
  if (state.list.length === 0) {
    return (
      <section className="card" aria-label="Certificates">
        <EmptyState title="No certificates yet">
          <p>
            Adding a route with HTTPS to a service (its Routes tab) orders a certificate for its domain automatically,
            over ACME HTTP-01: the domain’s DNS must point at the host and port 80 must reach its proxy. Certificates
            are renewed before they expire, and listed here.
          </p>
          <p>They come from Let’s Encrypt unless another ACME directory (and a contact email) is set:</p>
          <Link href={`${paths.settings()}?`} className="btn">
            Settings → HTTPS certificates (ACME)
          </Link>
        </EmptyState>
      </section>
    )
  }
  const certs = [...state.list].sort(byExpiry)
  return (
    <section className="card" aria-label="Certificates">
      <div className="table-scroll fit">
        <table className="table cert-table" aria-label="Certificates, expiring first">
          <thead>
            <tr>
              <th scope="col">Domain</th>
              <th scope="col">Status</th>
              <th scope="col" aria-sort="ascending">
                Expires
              </th>
              <th scope="col">Renewal due</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Last error</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {certs.map((cert) => (
              <CertRow key={cert.domain} cert={cert} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function CertRow({ cert }: { cert: CertSummary }) {
  // Whole days and minutes: a tick a minute is enough.
  const now = useNow(true, 60_000)
  const issue = useRoutesStore((s) => s.issue)
  const renew = useRoutesStore((s) => s.renew)
  const notify = useNoticesStore((s) => s.notify)
  const [busy, setBusy] = useState(false)
  const firstOrder = cert.status === 'pending' || (cert.status === 'failed' && cert.notAfter === null)
  const working = cert.status === 'issuing' || cert.status === 'renewing' || cert.jobId !== null
  const run = async (): Promise<void> => {
    setBusy(true)
    try {
      await (firstOrder ? issue(cert.domain) : renew(cert.domain))
      notify({ tone: 'ok', text: `${firstOrder ? 'Ordering' : 'Renewing'} the certificate for ${cert.domain}…` })
    } catch (err) {
      notify({ tone: 'bad', text: errorLine(toApiError(err)) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <tr data-testid="cert-row" data-domain={cert.domain} data-status={cert.status}>
      <td>
        <strong className="mono-small cert-domain">{cert.domain}</strong>
        {cert.issuer && <div className="muted small">{cert.issuer}</div>}
      </td>
      <td className="nowrap">
        <StatusChip tone={CERT_TONE[cert.status]} state={cert.status} testId="cert-status">
          {CERT_TEXT[cert.status]}
        </StatusChip>
        {cert.failures > 0 && (
          <div className="muted small">
            {cert.failures} failed attempt{cert.failures === 1 ? '' : 's'}
          </div>
        )}
      </td>
      <td className="nowrap">
        {cert.notAfter ? (
          <>
            <time dateTime={cert.notAfter} title={new Date(cert.notAfter).toLocaleString()}>
              {new Date(cert.notAfter).toLocaleDateString()}
            </time>
            <div className={`small ${Date.parse(cert.notAfter) < now ? 'bad-text' : 'muted'}`}>
              {daysText(cert.notAfter, now)}
            </div>
          </>
        ) : (
          <span className="muted">no certificate yet</span>
        )}
      </td>
      <td className="nowrap">
        {cert.renewalDueAt ? (
          <>
            <RelativeTime iso={cert.renewalDueAt} />
            {cert.renewalSource && <div className="muted small">{RENEWAL_SOURCE_TEXT[cert.renewalSource]}</div>}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="nowrap">
        {cert.nextAttemptAt ? <RelativeTime iso={cert.nextAttemptAt} /> : <span className="muted">—</span>}
      </td>
      <td className="cert-error">
        {cert.lastError ? (
          <div className="small">
            <span className="bad-text wrap-anywhere">{cert.lastError.message}</span>
            <div className="muted">
              <RelativeTime iso={cert.lastError.at} />
            </div>
          </div>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="actions">
        {cert.jobId && (
          <Link href={`${paths.jobs()}?`} className="link-btn small">
            its job
          </Link>
        )}{' '}
        <PermittedButton
          permission="operate"
          className="btn"
          aria-label={`${firstOrder ? 'Issue' : 'Renew'} the certificate for ${cert.domain}`}
          title={working ? 'An order is running' : undefined}
          disabled={busy || working}
          onClick={() => void run()}
        >
          {firstOrder ? <ShieldPlus size={14} aria-hidden="true" /> : <RefreshCw size={14} aria-hidden="true" />}{' '}
          {firstOrder ? 'Issue' : 'Renew'}
        </PermittedButton>
      </td>
    </tr>
  )
}
