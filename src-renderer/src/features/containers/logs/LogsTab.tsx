import '@xterm/xterm/css/xterm.css'
import { ChevronDown, ChevronUp, Download, Eraser, Pause, Play, RefreshCw, Search } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import type { ContainerSummary } from '../../../../../src-preload/contract/containers'
import { downloadText, fileStamp } from '../../../lib/download'
import { LogSession, type LogViewStatus } from './log-session'
import { ErrorText } from '../../../components/ErrorText'

const INITIAL: LogViewStatus = { phase: 'open', error: null, following: true, held: 0, search: null }

export function LogsTab({ hostId, container }: { hostId: string; container: ContainerSummary }) {
  const viewRef = useRef<HTMLDivElement>(null)
  const sessionRef = useRef<LogSession | null>(null)
  const [status, setStatus] = useState<LogViewStatus>(INITIAL)
  const [timestamps, setTimestamps] = useState(false)
  const [query, setQuery] = useState('')

  useEffect(() => {
    const session = new LogSession(viewRef.current!, { hostId, containerId: container.id }, setStatus)
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
      <div className="toolbar log-toolbar">
        {status.following ? (
          <button type="button" className="btn" onClick={() => session()?.pause()}>
            <Pause size={14} aria-hidden="true" /> Pause
          </button>
        ) : (
          <button type="button" className="btn primary" onClick={() => session()?.follow()}>
            <Play size={14} aria-hidden="true" /> Follow
          </button>
        )}
        {!status.following && (
          <span className="muted" data-testid="log-held" aria-live="polite">
            Paused · {status.held} new line{status.held === 1 ? '' : 's'}
          </span>
        )}
        <button
          type="button"
          className={`btn toggle ${timestamps ? 'on' : ''}`}
          aria-pressed={timestamps}
          onClick={() => {
            setTimestamps(!timestamps)
            session()?.setTimestamps(!timestamps)
          }}
        >
          Timestamps
        </button>
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
        <div className="term-fit" data-testid="log-view" ref={viewRef} />
      </div>
    </div>
  )
}
