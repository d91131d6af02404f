import type { ServiceSpec } from '../../../../src-preload/contract/projects'
import { formatBytes } from '../../lib/format'
import { portText, volumeText } from './service-labels'
import { joinWords } from './shell-words'

const none = <span className="muted">—</span>

/** A service's spec as facts; secrets are listed by name only (their values never reach this screen). */
export function SpecSummary({ spec, full = false }: { spec: ServiceSpec; full?: boolean }) {
  const health = spec.healthcheck
  return (
    <dl className="facts spec-facts" data-testid="spec-summary">
      <dt>Source</dt>
      <dd className="mono-small wrap-anywhere">
        {spec.git ? (
          <>
            git: {spec.git.url}@{spec.git.ref}
            {spec.git.context ? ` (folder ${spec.git.context})` : ''}
            {spec.git.dockerfile ? ` (${spec.git.dockerfile})` : ''}
          </>
        ) : (
          spec.image
        )}
      </dd>
      <dt>Command</dt>
      <dd className="mono-small wrap-anywhere">
        {spec.command ? joinWords(spec.command) : <span className="muted">image default</span>}
      </dd>
      {(full || spec.entrypoint) && (
        <>
          <dt>Entrypoint</dt>
          <dd className="mono-small wrap-anywhere">
            {spec.entrypoint ? joinWords(spec.entrypoint) : <span className="muted">image default</span>}
          </dd>
        </>
      )}
      <dt>Ports</dt>
      <dd className="mono-small">{spec.ports.length ? spec.ports.map(portText).join(', ') : none}</dd>
      <dt>Volumes</dt>
      <dd>
        {spec.volumes.length ? (
          <ul className="plain-list">
            {spec.volumes.map((v) => (
              <li key={v.target} className="mono-small">
                {v.type === 'bind' ? 'bind ' : ''}
                {volumeText(v)}
              </li>
            ))}
          </ul>
        ) : (
          none
        )}
      </dd>
      <dt>Environment</dt>
      <dd>
        {spec.env.length === 0 ? (
          none
        ) : full ? (
          <ul className="plain-list">
            {spec.env.map((v) => (
              <li key={v.key} className="mono-small wrap-anywhere">
                {v.key}={v.secret ? <span className="muted">•••• (secret)</span> : v.value}
              </li>
            ))}
          </ul>
        ) : (
          <span className="mono-small wrap-anywhere">
            {spec.env.map((v) => (v.secret ? `${v.key} (secret)` : v.key)).join(', ')}
          </span>
        )}
      </dd>
      <dt>Restart</dt>
      <dd>
        {spec.restart.policy}
        {spec.restart.maxRetries !== undefined ? ` (at most ${spec.restart.maxRetries} times)` : ''}
      </dd>
      <dt>Health check</dt>
      <dd className="mono-small wrap-anywhere">
        {!health
          ? none
          : health.type === 'http'
            ? `HTTP ${health.path ?? '/'} on port ${health.port}`
            : `command ${joinWords(health.command ?? [])}`}
        {health && (health.interval || health.timeout || health.retries || health.startPeriod) && (
          <span className="muted">
            {' '}
            ·{health.interval ? ` every ${health.interval}` : ''}
            {health.timeout ? `, timeout ${health.timeout}` : ''}
            {health.retries ? `, ${health.retries} retries` : ''}
            {health.startPeriod ? `, start period ${health.startPeriod}` : ''}
          </span>
        )}
      </dd>
      <dt>Limits</dt>
      <dd>
        {spec.resources.memoryBytes === undefined && spec.resources.cpus === undefined ? (
          <span className="muted">none</span>
        ) : (
          [
            spec.resources.memoryBytes !== undefined && `memory ${formatBytes(spec.resources.memoryBytes)}`,
            spec.resources.cpus !== undefined && `${spec.resources.cpus} CPUs`,
          ]
            .filter(Boolean)
            .join(', ')
        )}
      </dd>
      {(full || spec.user) && (
        <>
          <dt>User</dt>
          <dd className="mono-small">{spec.user ?? <span className="muted">image default</span>}</dd>
        </>
      )}
      <dt>Starts after</dt>
      <dd>{spec.dependsOn.length ? spec.dependsOn.join(', ') : none}</dd>
      {(full || Object.keys(spec.labels).length > 0) && (
        <>
          <dt>Labels</dt>
          <dd>
            {Object.keys(spec.labels).length === 0 ? (
              none
            ) : (
              <ul className="plain-list">
                {Object.entries(spec.labels).map(([key, value]) => (
                  <li key={key} className="mono-small wrap-anywhere">
                    {key}={value}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </>
      )}
      {full && (
        <>
          <dt>Auto deploy</dt>
          <dd>{spec.autoDeploy ? 'on' : 'off'}</dd>
        </>
      )}
    </dl>
  )
}
