import { FitAddon } from '@xterm/addon-fit'
import { Terminal } from '@xterm/xterm'
import type { BuildLogBatch } from '../../../../src-preload/contract/cicd'
import { TERMINAL_FONT, terminalTheme } from '../../components/terminal-theme'
import { openStream, type StreamSubscription } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { onColorSchemeChange } from '../../lib/theme'
import { onReconnected } from '../connection/connection-store'
import { LineRing } from '../containers/logs/line-ring'
import { sanitize } from '../containers/logs/log-format'

export interface BuildLogStatus {
  /** `open` while lines may still come; `ended` when the build's log is complete; `error` when the stream broke. */
  phase: 'open' | 'ended' | 'error'
  error: ApiError | null
  lines: number
}

/** Scrollback, and the lines kept for the download. */
const MAX_LINES = 20_000
/** One write per frame, but no single write beyond this (xterm parses it in one go). */
const MAX_WRITE_CHARS = 128 * 1024

type Subscription = StreamSubscription<'builds.log'>

/**
 * A build's log in an xterm, with the container log view's flow control: the server sends a batch about every
 * 33 ms, batches are written once per animation frame, and each is acknowledged only in xterm's write callback,
 * so a view that cannot keep up makes the server pause instead of piling lines up in the page. The stream starts
 * with the whole file so far: reopening it (after a lost link) redraws from the top rather than guessing a gap.
 */
export class BuildLogSession {
  private readonly term: Terminal
  private readonly fit = new FitAddon()
  private readonly ring = new LineRing<string>(MAX_LINES)
  private readonly disposers: (() => void)[] = []
  private sub: Subscription | null = null
  private pending: { sub: Subscription; lines: string[] }[] = []
  private frame = 0
  private needsBreak = false
  private disposed = false
  private status: BuildLogStatus = { phase: 'open', error: null, lines: 0 }

  constructor(
    element: HTMLElement,
    private readonly buildId: string,
    private readonly onStatus: (status: BuildLogStatus) => void,
  ) {
    this.term = new Terminal({
      scrollback: MAX_LINES,
      disableStdin: true,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      fontFamily: TERMINAL_FONT,
      fontSize: 12,
      theme: terminalTheme(),
    })
    this.term.loadAddon(this.fit)
    this.term.open(element)
    this.term.write('\x1b[?25l')
    this.fitNow()
    const observer = new ResizeObserver(() => requestAnimationFrame(() => this.fitNow()))
    observer.observe(element)
    this.disposers.push(
      () => observer.disconnect(),
      onColorSchemeChange(() => (this.term.options.theme = terminalTheme())),
      onReconnected(() => this.status.phase === 'error' && this.reopen()),
    )
    this.open()
  }

  /** The lines received so far (up to the last 20,000), for a download. */
  text(): string {
    return this.ring.toArray().join('\n')
  }

  /** Starts over from the top of the file: the stream replays it, then follows. */
  reopen(): void {
    if (this.disposed) return
    this.sub?.close()
    this.sub = null
    this.pending = []
    this.ring.clear()
    this.term.reset()
    this.term.write('\x1b[?25l')
    this.needsBreak = false
    this.update({ lines: 0 })
    this.open()
  }

  dispose(): void {
    this.disposed = true
    cancelAnimationFrame(this.frame)
    this.sub?.close()
    this.sub = null
    for (const dispose of this.disposers) dispose()
    this.term.dispose()
  }

  private open(): void {
    const holder: { sub: Subscription | null } = { sub: null }
    this.update({ phase: 'open', error: null })
    const sub = openStream(
      'builds.log',
      { buildId: this.buildId },
      {
        onData: (batch) => holder.sub && this.receive(holder.sub, batch),
        onEnd: (error) => {
          if (holder.sub !== this.sub || this.disposed) return
          this.update(error ? { phase: 'error', error } : { phase: 'ended' })
        },
      },
      { manualAck: true },
    )
    holder.sub = sub
    this.sub = sub
  }

  private receive(sub: Subscription, batch: BuildLogBatch): void {
    if (sub !== this.sub) return
    for (const line of batch.lines) this.ring.push(line)
    this.pending.push({ sub, lines: batch.lines })
    this.update({ lines: this.status.lines + batch.lines.length })
    this.schedule()
  }

  private schedule(): void {
    if (this.frame || this.pending.length === 0 || this.disposed) return
    this.frame = requestAnimationFrame(() => this.flush())
  }

  private flush(): void {
    this.frame = 0
    if (this.disposed) return
    let out = ''
    const acks = new Map<Subscription, number>()
    while (this.pending.length > 0 && out.length < MAX_WRITE_CHARS) {
      const entry = this.pending.shift()!
      for (const line of entry.lines) {
        out += (this.needsBreak ? '\r\n' : '') + sanitize(line) + (line.includes('\x1b') ? '\x1b[0m' : '')
        this.needsBreak = true
      }
      acks.set(entry.sub, (acks.get(entry.sub) ?? 0) + 1)
    }
    // Acknowledged once xterm has parsed and drawn the text: that is what paces the server.
    const ack = (): void => acks.forEach((count, sub) => sub.ack(count))
    if (out) this.term.write(out, ack)
    else ack()
    this.schedule()
  }

  private fitNow(): void {
    if (this.disposed || !this.term.element?.isConnected) return
    if (this.fit.proposeDimensions()) this.fit.fit()
  }

  private update(changes: Partial<BuildLogStatus>): void {
    this.status = { ...this.status, ...changes }
    this.onStatus(this.status)
  }
}
