import '@xterm/xterm/css/xterm.css'
import { FitAddon } from '@xterm/addon-fit'
import { Terminal } from '@xterm/xterm'
import { Plug } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import type { ContainerSummary } from '../../../../../src-preload/contract/containers'
import { TERMINAL_FONT, terminalTheme } from '../../../components/terminal-theme'
import { openStream } from '../../../lib/api'
import type { ApiError } from '../../../lib/api-error'
import { onColorSchemeChange } from '../../../lib/theme'
import { ErrorText } from '../../../components/ErrorText'

/** The contract caps one input message; a big paste is sent in pieces. */
const INPUT_CHUNK = 16 * 1024

interface Session {
  command: string[]
  attempt: number
}

/** An interactive shell (`containers.exec`, admin only): keystrokes in, output out, resized with the view. */
export function TerminalTab({ hostId, container }: { hostId: string; container: ContainerSummary }) {
  const viewRef = useRef<HTMLDivElement>(null)
  const [commandText, setCommandText] = useState('sh')
  const [session, setSession] = useState<Session>({ command: ['sh'], attempt: 0 })
  const [ended, setEnded] = useState<{ error: ApiError | null } | null>(null)

  useEffect(() => {
    const element = viewRef.current!
    const term = new Terminal({ fontFamily: TERMINAL_FONT, fontSize: 13, cursorBlink: true, theme: terminalTheme() })
    const fit = new FitAddon()
    term.loadAddon(fit)
    term.open(element)
    if (fit.proposeDimensions()) fit.fit()
    const stream = openStream(
      'containers.exec',
      { hostId, containerId: container.id, command: session.command, cols: term.cols, rows: term.rows },
      {
        onData: ({ data }) => term.write(data, () => stream.ack(1)),
        onEnd: (error) => {
          term.write('\r\n\x1b[2m[session ended]\x1b[0m\r\n')
          setEnded({ error: error ?? null })
        },
      },
      { manualAck: true },
    )
    const input = term.onData((data) => {
      for (let i = 0; i < data.length; i += INPUT_CHUNK) {
        stream.input({ type: 'data', data: data.slice(i, i + INPUT_CHUNK) })
      }
    })
    const resize = term.onResize(({ cols, rows }) => stream.input({ type: 'resize', cols, rows }))
    const observer = new ResizeObserver(() =>
      requestAnimationFrame(() => {
        if (term.element?.isConnected && fit.proposeDimensions()) fit.fit()
      }),
    )
    observer.observe(element)
    const stopScheme = onColorSchemeChange(() => (term.options.theme = terminalTheme()))
    term.focus()
    return () => {
      stream.close()
      input.dispose()
      resize.dispose()
      observer.disconnect()
      stopScheme()
      term.dispose()
    }
  }, [hostId, container.id, session])

  const connect = (): void => {
    const command = commandText.trim().split(/\s+/).filter(Boolean)
    setEnded(null)
    setSession({ command: command.length > 0 ? command : ['sh'], attempt: session.attempt + 1 })
  }

  return (
    <div className="terminal-tab">
      <form
        className="toolbar"
        onSubmit={(event) => {
          event.preventDefault()
          connect()
        }}
      >
        <label className="inline-field">
          <span>Command</span>
          <input value={commandText} onChange={(event) => setCommandText(event.target.value)} spellCheck={false} />
        </label>
        <button type="submit" className="btn">
          <Plug size={14} aria-hidden="true" /> {ended ? 'Start new session' : 'Restart session'}
        </button>
        {ended && (
          <span className={ended.error ? 'field-error' : 'muted'} role="status" data-testid="terminal-ended">
            Session ended
            {ended.error && (
              <>
                : <ErrorText code={ended.error.code} message={ended.error.message} />
              </>
            )}
          </span>
        )}
        {container.state !== 'running' && <span className="muted">The container is not running.</span>}
      </form>
      <div className="term-frame">
        <div className="term-fit" data-testid="terminal-view" ref={viewRef} />
      </div>
    </div>
  )
}
