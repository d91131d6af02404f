import { useMemo } from 'react'
import type { ContainerSummary } from '../../../../../src-preload/contract/containers'
import { ErrorState, Loading } from '../../../components/States'
import { formatBytes, formatPercent } from '../../../lib/format'
import { StatsChart } from './StatsChart'
import { useContainerStats } from './use-container-stats'

const formatCpu = (value: number): string => formatPercent(value)
/** An idle or stopped container would otherwise get an axis of 0 B to 1 B (labels "1 B / 1 B / 0 B"). */
const MEMORY_AXIS_MIN = 16 * 1024 * 1024

export function StatsTab({ hostId, container }: { hostId: string; container: ContainerSummary }) {
  const { latest, history, error, ended, retry } = useContainerStats(hostId, container.id)
  const cpuData = useMemo<[number[], number[]]>(() => [history.time, history.cpu], [history])
  const memoryData = useMemo<[number[], number[]]>(() => [history.time, history.memory], [history])
  return (
    <div className="stack">
      {container.state !== 'running' && (
        <p className="notice">
          This container is not running ({container.state}): the engine reports no load until it runs.
        </p>
      )}
      {error ? (
        <ErrorState error={error} onRetry={retry} />
      ) : ended ? (
        <div className="state">
          The stats stream ended.{' '}
          <button type="button" className="btn" onClick={retry}>
            Reconnect
          </button>
        </div>
      ) : null}
      {!latest && !error && !ended ? (
        <Loading label="Waiting for the first sample…" />
      ) : latest ? (
        <dl className="facts stats-facts" data-testid="stats-values">
          <dt>CPU</dt>
          <dd data-testid="stats-cpu">{formatPercent(latest.cpuPercent)}</dd>
          <dt>Memory</dt>
          <dd data-testid="stats-memory">
            {formatBytes(latest.memoryUsage)} / {formatBytes(latest.memoryLimit)} ({formatPercent(latest.memoryPercent)}
            )
          </dd>
          <dt>Network rx / tx</dt>
          <dd>
            {formatBytes(latest.networkRx)} / {formatBytes(latest.networkTx)}
          </dd>
          <dt>Block read / write</dt>
          <dd>
            {formatBytes(latest.blockRead)} / {formatBytes(latest.blockWrite)}
          </dd>
          <dt>PIDs</dt>
          <dd>{latest.pids}</dd>
        </dl>
      ) : null}
      <div className="chart-grid">
        <section className="card chart-card" aria-label="CPU">
          <h3>CPU %</h3>
          <StatsChart label="CPU %" data={cpuData} format={formatCpu} minTop={100} colorVar="--accent" />
        </section>
        <section className="card chart-card" aria-label="Memory">
          <h3>Memory</h3>
          <StatsChart label="Memory" data={memoryData} format={formatBytes} minTop={MEMORY_AXIS_MIN} colorVar="--ok" />
        </section>
      </div>
    </div>
  )
}
