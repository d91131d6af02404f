import { useEffect } from 'react'
import type { HostSummary } from '../../../../src-preload/contract/hosts'
import { Meter } from '../../components/Meter'
import { HostStateChip } from '../../components/StateChip'
import { formatBytes, formatPercent } from '../../lib/format'
import { hostAddress } from '../hosts/host-labels'
import { useHostsStore } from '../hosts/hosts-store'
import { navigation } from '../shell/use-route'
import { ErrorText } from '../../components/ErrorText'
import { useLinkUp } from '../connection/connection-store'

/** One host on the fleet dashboard: link state, engine, and live load from `hosts.metrics`. */
export function HostCard({ host }: { host: HostSummary }) {
  const watchMetrics = useHostsStore((s) => s.watchMetrics)
  const sample = useHostsStore((s) => s.metrics[host.id])
  const linkUp = useLinkUp()
  // The last sample of a host that went away (or of any host, while glinrdock itself is out of reach)
  // would be stale: show none until it is back.
  const metrics = linkUp && host.state === 'connected' ? sample : undefined
  useEffect(() => watchMetrics(host.id), [watchMetrics, host.id])
  const headingId = `host-card-${host.id}`
  const engine = host.engine
  const cpu = metrics && engine && metrics.cpuPercent !== null ? metrics.cpuPercent / Math.max(1, engine.cpus) : null
  const memory = metrics && engine?.memoryBytes ? metrics.memoryUsage / engine.memoryBytes : null
  return (
    <article
      className="card host-card"
      aria-labelledby={headingId}
      data-testid="host-card"
      data-host-id={host.id}
      onClick={(event) => {
        if (!(event.target as HTMLElement).closest('button, a, input')) navigation.host(host.id)
      }}
    >
      <div className="host-card-head">
        <h2 id={headingId}>
          <button
            type="button"
            className="link-btn"
            aria-label={`Open ${host.name}`}
            onClick={() => navigation.host(host.id)}
          >
            {host.name}
          </button>
        </h2>
        <HostStateChip host={host} />
      </div>
      <div className="muted mono-small">{hostAddress(host)}</div>
      {host.state === 'failed' && host.failure && (
        <p className="field-error" data-testid="host-failure">
          <ErrorText code={host.failure.code} message={host.failure.message} />
        </p>
      )}
      <dl className="facts compact">
        <dt>Docker</dt>
        <dd title={engine ? `${engine.os} (${engine.arch}), API ${engine.apiVersion}` : undefined}>
          {engine ? `${engine.version} · ${engine.cpus} CPU${engine.cpus === 1 ? '' : 's'}` : '—'}
        </dd>
        <dt>Containers</dt>
        <dd data-testid="host-card-containers">
          {metrics ? `${metrics.running} running / ${metrics.total}` : linkUp && host.state === 'connected' ? '…' : '—'}
        </dd>
      </dl>
      <Meter
        label="CPU"
        fraction={cpu === null ? null : cpu / 100}
        text={cpu === null ? '—' : `${formatPercent(cpu)} of ${engine!.cpus} CPU${engine!.cpus === 1 ? '' : 's'}`}
      />
      <Meter
        label="Memory"
        fraction={memory}
        text={metrics && engine ? `${formatBytes(metrics.memoryUsage)} / ${formatBytes(engine.memoryBytes)}` : '—'}
      />
    </article>
  )
}
