import '@xterm/xterm/css/xterm.css'
import { Download, RefreshCw } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import { ErrorText } from '../../components/ErrorText'
import { downloadText, fileStamp } from '../../lib/download'
import { BuildLogSession, type BuildLogStatus } from './build-log-session'

const INITIAL: BuildLogStatus = { phase: 'open', error: null, lines: 0 }

/** The live log of one build (the `builds.log` stream), in xterm. */
export function BuildLogView({ buildId, active, fileName }: { buildId: string; active: boolean; fileName: string }) {
  const viewRef = useRef<HTMLDivElement>(null)
  const sessionRef = useRef<BuildLogSession | null>(null)
  const [status, setStatus] = useState<BuildLogStatus>(INITIAL)
  useEffect(() => {
    const session = new BuildLogSession(viewRef.current!, buildId, setStatus)
    sessionRef.current = session
    return () => {
      session.dispose()
      sessionRef.current = null
    }
  }, [buildId])

  return (
    <section className="log-tab build-log" aria-label="Build log">
      <div className="toolbar log-toolbar">
        <span className="muted" aria-live="polite" data-testid="build-log-state">
          {status.phase === 'open'
            ? active
              ? `Following the build · ${status.lines} line${status.lines === 1 ? '' : 's'}`
              : `${status.lines} line${status.lines === 1 ? '' : 's'}`
            : status.phase === 'ended'
              ? `The log is complete · ${status.lines} line${status.lines === 1 ? '' : 's'}`
              : 'The log stream broke.'}
        </span>
        <div className="toolbar-end">
          <button
            type="button"
            className="btn"
            onClick={() => downloadText(`${fileName}-${fileStamp()}.log`, sessionRef.current?.text() ?? '')}
          >
            <Download size={14} aria-hidden="true" /> Download
          </button>
        </div>
      </div>
      {status.phase === 'error' && status.error && (
        <div className="notice bad" role="alert">
          <span>
            <ErrorText code={status.error.code} message={status.error.message} />
          </span>
          <button type="button" className="btn" onClick={() => sessionRef.current?.reopen()}>
            <RefreshCw size={14} aria-hidden="true" /> Reconnect
          </button>
        </div>
      )}
      <div className="term-frame">
        <div className="term-fit" data-testid="build-log" ref={viewRef} />
      </div>
    </section>
  )
}
