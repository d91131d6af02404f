import '@xterm/xterm/css/xterm.css'
import { FitAddon } from '@xterm/addon-fit'
import { Terminal } from '@xterm/xterm'
import { Play, Plug } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import type { ContainerSummary } from '../../../../../src-preload/contract/containers'
import { TERMINAL_FONT, terminalTheme } from '../../../components/terminal-theme'
import { openStream } from '../../../lib/api'
import type { ApiError } from '../../../lib/api-error'
import { onColorSchemeChange } from '../../../lib/theme'
import { ErrorText } from '../../../components/ErrorText'
import { EmptyState } from '../../../components/States'
import { useRoleAllows } from '../../connection/connection-store'
import { PermittedButton } from '../../connection/PermittedButton'
import { useContainerActions } from '../use-container-actions'

/** The contract caps one input message; a big paste is sent in pieces. */
const INPUT_CHUNK = 16 * 1024

interface Session {
  command: string[]
  user: string
  attempt: number
}

const SHELLS = ['sh', 'bash'] as const
type ShellChoice = (typeof SHELLS)[number] | 'custom'

/**
 * An interactive shell (`containers.exec`, admin only). Nothing is started for a role that may not
 * open one, nor for a container that is not running (the engine would only answer with a conflict).
 */
export function TerminalTab({ hostId, container }: { hostId: string; container: ContainerSummary }) {
  const mayOpen = useRoleAllows('admin')
  const { act } = useContainerActions(hostId)
  if (mayOpen === null) return null
  if (!mayOpen) {
    return (
      <EmptyState title="Terminals need the admin role">
        A terminal runs commands inside the container, so only admin tokens may open one.
      </EmptyState>
    )
  }
  if (container.state !== 'running') {
    return (
      <EmptyState title="The container is not running">
        <p>Start it to open a terminal inside it.</p>
        <PermittedButton permission="operate" className="btn primary" onClick={() => void act(container, 'start')}>
          <Play size={14} aria-hidden="true" /> Start container
        </PermittedButton>
      </EmptyState>
    )
  }
  return <TerminalSession hostId={hostId} container={container} />
}

function TerminalSession({ hostId, container }: { hostId: string; container: ContainerSummary }) {
  const viewRef = useRef<HTMLDivElement>(null)
  const [shell, setShell] = useState<ShellChoice>('sh')
  const [customCommand, setCustomCommand] = useState('')
  const [user, setUser] = useState('')
  const [session, setSession] = useState<Session>({ command: ['sh'], user: '', attempt: 0 })
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
      {
        hostId,
        containerId: container.id,
        command: session.command,
        cols: term.cols,
        rows: term.rows,
        ...(session.user ? { user: session.user } : {}),
      },
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
    const command = shell === 'custom' ? customCommand.trim().split(/\s+/).filter(Boolean) : [shell]
    setEnded(null)
    setSession({ command: command.length > 0 ? command : ['sh'], user: user.trim(), attempt: session.attempt + 1 })
  }

  return (
    <div className="terminal-tab">
      <form
        className="toolbar"
        aria-label="Terminal session"
        onSubmit={(event) => {
          event.preventDefault()
          connect()
        }}
      >
        <label className="inline-field">
          <span>Shell</span>
          <select value={shell} onChange={(event) => setShell(event.target.value as ShellChoice)}>
            {SHELLS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {shell === 'custom' && (
          <label className="inline-field">
            <span>Command</span>
            <input
              value={customCommand}
              onChange={(event) => setCustomCommand(event.target.value)}
              placeholder="/bin/ash -l"
              spellCheck={false}
            />
          </label>
        )}
        <label className="inline-field">
          <span>User</span>
          <input
            value={user}
            onChange={(event) => setUser(event.target.value)}
            placeholder="default"
            size={10}
            spellCheck={false}
          />
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
      </form>
      <div className="term-frame">
        <div className="term-fit" data-testid="terminal-view" ref={viewRef} />
      </div>
    </div>
  )
}
