import '@xterm/xterm/css/xterm.css'
import { ChevronDown, ChevronUp, Download, Eraser, Pause, Play, RefreshCw, Search } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import type { ContainerSummary } from '../../../../../src-preload/contract/containers'
import { downloadText, fileStamp } from '../../../lib/download'
import { DEFAULT_LOG_OPTIONS, LogSession, type LogViewOptions, type LogViewStatus } from './log-session'
import { ErrorText } from '../../../components/ErrorText'

const TAILS: [string, string][] = [
  ['100', 'Last 100'],
  ['1000', 'Last 1,000'],
  ['10000', 'Last 10,000'],
  ['all', 'All (up to 100,000)'],
]
const SINCE_CHOICES: [string, string][] = [
  ['', 'Any time'],
  ['300', 'Last 5 minutes'],
  ['3600', 'Last hour'],
  ['86400', 'Last 24 hours'],
  ['at', 'A time…'],
]
const sinceChoice = (since: LogViewOptions['since']): string =>
  since === null ? '' : 'seconds' in since ? String(since.seconds) : 'at'

/** A `datetime-local` value (local time, minutes) for an hour ago: a sensible start for "a time…". */
function anHourAgo(): string {
  const date = new Date(Date.now() - 3600_000)
  date.setMinutes(date.getMinutes() - date.getTimezoneOffset())
  return date.toISOString().slice(0, 16)
}

function sinceFrom(choice: string, current: LogViewOptions['since']): LogViewOptions['since'] {
  if (choice === '') return null
  if (choice === 'at') return current && 'at' in current ? current : { at: anHourAgo() }
  return { seconds: Number(choice) }
}

const INITIAL: LogViewStatus = { phase: 'open', error: null, following: true, held: 0, search: null }

export function LogsTab({ hostId, container }: { hostId: string; container: ContainerSummary }) {
  const viewRef = useRef<HTMLDivElement>(null)
  const sessionRef = useRef<LogSession | null>(null)
  const [status, setStatus] = useState<LogViewStatus>(INITIAL)
  const [options, setOptions] = useState<LogViewOptions>(DEFAULT_LOG_OPTIONS)
  const [query, setQuery] = useState('')
  const running = container.state === 'running' || container.state === 'restarting' || container.state === 'paused'
  const change = (changes: Partial<LogViewOptions>): void => {
    const next = { ...options, ...changes }
    setOptions(next)
    sessionRef.current?.setOptions(next)
  }

  useEffect(() => {
    const session = new LogSession(
      viewRef.current!,
      { hostId, containerId: container.id },
      setStatus,
      // A container's page mounts a fresh tab (keyed by container), so its options start at the defaults
      // too; later changes go through setOptions, not a new session.
      DEFAULT_LOG_OPTIONS,
    )
    sessionRef.current = session
    return () => {
      session.dispose()
      sessionRef.current = null
    }
  }, [hostId, container.id])

  const session = (): LogSession | null => sessionRef.current
  const find = (direction: 'next' | 'previous', incremental = false): void =>
    session()?.find(query, direction, incremental)

  return (
    <div className="log-tab">
      <div className="toolbar log-toolbar" role="group" aria-label="What to show">
        <label className="inline-field">
          <span>Lines</span>
          <select
            value={String(options.tail)}
            onChange={(event) => change({ tail: event.target.value === 'all' ? 'all' : Number(event.target.value) })}
          >
            {TAILS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Since</span>
          <select
            value={sinceChoice(options.since)}
            onChange={(event) => change({ since: sinceFrom(event.target.value, options.since) })}
          >
            {SINCE_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {options.since && 'at' in options.since && (
          <label className="inline-field">
            <span>From</span>
            <input
              type="datetime-local"
              value={options.since.at}
              onChange={(event) => event.target.value && change({ since: { at: event.target.value } })}
            />
          </label>
        )}
        <label className="inline-field">
          <span>Streams</span>
          <select
            value={options.streams}
            onChange={(event) => change({ streams: event.target.value as LogViewOptions['streams'] })}
          >
            <option value="all">stdout and stderr</option>
            <option value="stdout">stdout only</option>
            <option value="stderr">stderr only</option>
          </select>
        </label>
        <button
          type="button"
          className={`btn toggle ${options.timestamps ? 'on' : ''}`}
          aria-pressed={options.timestamps}
          onClick={() => change({ timestamps: !options.timestamps })}
        >
          Timestamps
        </button>
        {options.timestamps && (
          <button
            type="button"
            className={`btn toggle ${options.zone === 'utc' ? 'on' : ''}`}
            aria-pressed={options.zone === 'utc'}
            title="Show timestamps in UTC instead of this computer's time zone"
            onClick={() => change({ zone: options.zone === 'utc' ? 'local' : 'utc' })}
          >
            UTC
          </button>
        )}
        <button
          type="button"
          className={`btn toggle ${options.wrap ? 'on' : ''}`}
          aria-pressed={options.wrap}
          onClick={() => change({ wrap: !options.wrap })}
        >
          Wrap lines
        </button>
      </div>
      <div className="toolbar log-toolbar">
        {!running ? (
          <span className="muted" data-testid="log-ended">
            The container is {container.state}: these are its last lines. New lines appear if it starts again.
          </span>
        ) : status.following ? (
          <button type="button" className="btn" onClick={() => session()?.pause()}>
            <Pause size={14} aria-hidden="true" /> Pause
          </button>
        ) : (
          <button type="button" className="btn primary" onClick={() => session()?.follow()}>
            <Play size={14} aria-hidden="true" /> Follow
          </button>
        )}
        {running && !status.following && (
          <span className="muted" data-testid="log-held" aria-live="polite">
            Paused · {status.held} new line{status.held === 1 ? '' : 's'}
          </span>
        )}
        <div className="search-box">
          <Search size={14} aria-hidden="true" />
          <input
            type="search"
            aria-label="Search logs"
            placeholder="Search"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value)
              if (event.target.value) session()?.find(event.target.value, 'next', true)
              else session()?.clearSearch()
            }}
            onKeyDown={(event) => {
              if (event.key !== 'Enter') return
              event.preventDefault()
              find(event.shiftKey ? 'previous' : 'next')
            }}
          />
        </div>
        <button
          type="button"
          className="icon-btn"
          aria-label="Previous match"
          title="Previous match (Shift+Enter)"
          onClick={() => find('previous')}
          disabled={!query}
        >
          <ChevronUp size={16} aria-hidden="true" />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Next match"
          title="Next match (Enter)"
          onClick={() => find('next')}
          disabled={!query}
        >
          <ChevronDown size={16} aria-hidden="true" />
        </button>
        {query && status.search && (
          <span className="muted" data-testid="log-search-count" aria-live="polite">
            {status.search.count === 0
              ? 'No matches'
              : status.search.index < 0
                ? `${status.search.count}+ matches`
                : `${status.search.index + 1} of ${status.search.count}`}
          </span>
        )}
        <div className="toolbar-end">
          <button type="button" className="btn" onClick={() => session()?.clear()}>
            <Eraser size={14} aria-hidden="true" /> Clear
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => downloadText(`${container.name}-${fileStamp()}.log`, session()?.text() ?? '')}
          >
            <Download size={14} aria-hidden="true" /> Download
          </button>
        </div>
      </div>
      {status.phase !== 'open' && (
        <div className={`notice ${status.error ? 'bad' : ''}`} role={status.error ? 'alert' : 'status'}>
          <span>
            {status.error ? (
              <ErrorText code={status.error.code} message={status.error.message} />
            ) : (
              'The log stream ended.'
            )}
          </span>
          <button type="button" className="btn" onClick={() => session()?.reconnect()}>
            <RefreshCw size={14} aria-hidden="true" /> Reconnect
          </button>
        </div>
      )}
      <div className="term-frame">
        <div className={`term-fit ${options.wrap ? '' : 'nowrap'}`} data-testid="log-view" ref={viewRef} />
      </div>
    </div>
  )
}
