import { RefreshCw } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { HostSummary } from '../../../../src-preload/contract/hosts'
import { toApiError } from '../../components/ConfirmDialog'
import { ShortId } from '../../components/ShortId'
import { ErrorText } from '../../components/ErrorText'
import { RelativeTime } from '../../components/RelativeTime'
import { ErrorState, Loading } from '../../components/States'
import { StatusChip } from '../../components/StatusChip'
import type { ApiError } from '../../lib/api-error'
import { useCan } from '../connection/connection-store'
import { PermittedButton } from '../connection/PermittedButton'
import { useNoticesStore } from '../shell/notices-store'
import { PROXY_TEXT, PROXY_TONE } from './route-labels'
import { EMPTY_PROXY, useRoutesStore } from './routes-store'
import { WatchedRoutes } from './WatchedRoutes'
import './routes.css'

/** Every route on the host, and the nginx proxy that serves them. */
export function HostRoutesTab({ host }: { host: HostSummary }) {
  return (
    <div className="stack">
      <ProxyCard host={host} />
      <section className="card stack host-routes" aria-labelledby="host-routes-heading">
        <h3 id="host-routes-heading">Routes</h3>
        <WatchedRoutes
          routeKey={`host:${host.id}`}
          label={`Routes on ${host.name}`}
          showService
          emptyTitle="No routes on this host"
          emptyText="Open a service of a project on this host, then its Routes tab, to send a domain to it. The proxy is created with the first route."
        />
      </section>
    </div>
  )
}

function ProxyCard({ host }: { host: HostSummary }) {
  const watch = useRoutesStore((s) => s.watchProxy)
  const load = useRoutesStore((s) => s.loadProxy)
  const apply = useRoutesStore((s) => s.apply)
  const notify = useNoticesStore((s) => s.notify)
  const view = useRoutesStore((s) => s.proxies[host.id]) ?? EMPTY_PROXY
  const can = useCan('operate')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiError | null>(null)
  useEffect(() => watch(host.id), [watch, host.id])
  const reapply = async (): Promise<void> => {
    setBusy(true)
    setFailure(null)
    try {
      const state = await apply(host.id)
      notify({
        tone: 'ok',
        text: `The proxy on ${host.name} serves ${state.routes} route${state.routes === 1 ? '' : 's'}.`,
      })
    } catch (err) {
      setFailure(toApiError(err))
    } finally {
      setBusy(false)
    }
  }
  const proxy = view.proxy
  return (
    <section className="card proxy-card" aria-labelledby="proxy-heading">
      <div className="card-head">
        <h3 id="proxy-heading">Proxy</h3>
        <span className="form-actions">
          {can.reason && <span className="hint">{can.reason}</span>}
          <PermittedButton
            permission="operate"
            className="btn"
            disabled={busy || !proxy}
            title="Render the configuration from the stored routes again, test it and reload nginx"
            onClick={() => void reapply()}
          >
            <RefreshCw size={14} aria-hidden="true" className={busy ? 'spin' : undefined} />{' '}
            {busy ? 'Applying…' : 'Re-apply'}
          </PermittedButton>
        </span>
      </div>
      {view.status === 'error' && view.error ? (
        <ErrorState error={view.error} onRetry={() => void load(host.id)} />
      ) : !proxy ? (
        <Loading label="Loading the proxy…" />
      ) : (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusChip tone={PROXY_TONE[proxy.status]} state={proxy.status} testId="proxy-status">
                {PROXY_TEXT[proxy.status]}
              </StatusChip>
              {proxy.status === 'absent' && (
                <span className="muted small"> — created with the first route on this host</span>
              )}
            </dd>
            <dt>Image</dt>
            <dd className="mono-small">{proxy.settings.image}</dd>
            <dt>Ports</dt>
            <dd className="mono-small" data-testid="proxy-ports">
              HTTP {proxy.settings.httpPort} · HTTPS {proxy.settings.httpsPort}
            </dd>
            <dt>Configuration</dt>
            <dd>
              {proxy.configHash ? (
                <ShortId id={proxy.configHash} label="Copy the configuration hash" />
              ) : (
                <span className="muted">none applied yet</span>
              )}
            </dd>
            <dt>Last reload</dt>
            <dd>
              <RelativeTime iso={proxy.lastReloadAt} />
            </dd>
            <dt>Routes</dt>
            <dd>{proxy.routes}</dd>
            <dt>Last error</dt>
            <dd>
              {proxy.lastError ? (
                <div className="stack tight" role="alert" data-testid="proxy-last-error">
                  <p className="field-error">
                    The last apply failed (<RelativeTime iso={proxy.lastError.at} />
                    ); the previous configuration keeps serving:
                  </p>
                  <pre className="config-block wrap bad-text">{proxy.lastError.message}</pre>
                </div>
              ) : (
                <span className="muted" data-testid="proxy-last-error">
                  none
                </span>
              )}
            </dd>
          </dl>
        </>
      )}
      {failure && (
        <div className="field-error" role="alert">
          <ErrorText code={failure.code} message={failure.message} />
        </div>
      )}
    </section>
  )
}
