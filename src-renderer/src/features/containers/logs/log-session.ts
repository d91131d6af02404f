import { FitAddon } from '@xterm/addon-fit'
import { SearchAddon } from '@xterm/addon-search'
import { Terminal } from '@xterm/xterm'
import type { LogBatch } from '../../../../../src-preload/contract/containers'
import { TERMINAL_FONT, terminalTheme } from '../../../components/terminal-theme'
import { openStream, type StreamSubscription } from '../../../lib/api'
import type { ApiError } from '../../../lib/api-error'
import { cssVar, onColorSchemeChange } from '../../../lib/theme'
import { onReconnected } from '../../connection/connection-store'
import { LineRing } from './line-ring'
import {
  passesFilter,
  plainLine,
  renderLine,
  RESUMED_TEXT,
  type HeldLine,
  type StreamFilter,
  type TimeZoneChoice,
} from './log-format'
import { dockerSince } from '../../../../../src-preload/contract/docker-time'
import { timestampKey } from './log-time'

export interface LogViewStatus {
  /** `open` until the stream ends: cleanly (`ended`) or with an error (link lost, container removed). */
  phase: 'open' | 'ended' | 'error'
  error: ApiError | null
  following: boolean
  /** Lines received while paused and not yet written. */
  held: number
  search: { index: number; count: number } | null
}

/** Scrollback and the lines kept for download and re-rendering. */
export const MAX_LINES = 10_000
/** One write per frame, but no single write beyond this (xterm parses it in one go). */
const MAX_WRITE_CHARS = 128 * 1024
/** On resume, everything since the last line seen (the server's flow control paces it). */
const RESUME_TAIL = 100_000
/** Without wrapping, lines are this wide and the view scrolls sideways. */
const NOWRAP_COLS = 500

/** What the user asked to see: how much history, from when, and how. */
export interface LogViewOptions {
  /** Lines of history to start with; 'all' is capped at what the contract allows. */
  tail: number | 'all'
  /** Seconds before now to start from, or an absolute time (ISO); null for no limit. */
  since: { seconds: number } | { at: string } | null
  timestamps: boolean
  zone: TimeZoneChoice
  wrap: boolean
  streams: StreamFilter
}

export const DEFAULT_LOG_OPTIONS: LogViewOptions = {
  tail: 1000,
  since: null,
  timestamps: false,
  zone: 'local',
  wrap: true,
  streams: 'all',
}

type Subscription = StreamSubscription<'containers.logs'>
interface Pending {
  sub: Subscription
  lines: HeldLine[]
}

/**
 * A container's log in an xterm: batches arrive ~every 33 ms, are written once per animation frame,
 * and acknowledged in xterm's write callback so the main process pauses the container's stream when the
 * view lags. Pausing simply stops writing (and so acknowledging): the server stops reading the engine
 * once about 512 kB wait, so nothing is lost however long the pause. Timestamps are always requested, so
 * a reopened stream can resume `since` the last line without duplicates, and toggling them re-renders.
 */
export class LogSession {
  private readonly term: Terminal
  private readonly fit = new FitAddon()
  private readonly search = new SearchAddon({ highlightLimit: 1000 })
  private readonly ring = new LineRing<HeldLine>(MAX_LINES)
  private readonly disposers: (() => void)[] = []
  private sub: Subscription | null = null
  private pending: Pending[] = []
  private pendingLines = 0
  private frame = 0
  private needsBreak = false
  private options: LogViewOptions
  private last: { key: string; timestamp: string; count: number } | null = null
  private skip: { key: string; remaining: number } | null = null
  private markNext = false
  /** The active search, re-applied after a redraw (timestamps toggled, cleared). */
  private query = ''
  private disposed = false
  private status: LogViewStatus = { phase: 'open', error: null, following: true, held: 0, search: null }

  constructor(
    element: HTMLElement,
    private readonly target: { hostId: string; containerId: string },
    private readonly onStatus: (status: LogViewStatus) => void,
    options: LogViewOptions = DEFAULT_LOG_OPTIONS,
  ) {
    this.options = options
    this.term = new Terminal({
      scrollback: MAX_LINES,
      disableStdin: true,
      allowProposedApi: true,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      fontFamily: TERMINAL_FONT,
      fontSize: 12,
      theme: terminalTheme(),
    })
    this.term.loadAddon(this.fit)
    this.term.loadAddon(this.search)
    this.term.open(element)
    this.term.write('\x1b[?25l')
    this.fitNow()
    const observer = new ResizeObserver(() => requestAnimationFrame(() => this.fitNow()))
    observer.observe(element)
    const results = this.search.onDidChangeResults(({ resultIndex, resultCount }) =>
      this.update({ search: { index: resultIndex, count: resultCount } }),
    )
    this.disposers.push(
      () => observer.disconnect(),
      () => results.dispose(),
      onColorSchemeChange(() => (this.term.options.theme = terminalTheme())),
      // The browser's link to the server dropped and came back: pick up where the log stopped.
      onReconnected(() => this.status.phase === 'error' && this.reconnect()),
    )
    this.open(false)
  }

  pause(): void {
    this.update({ following: false })
  }

  follow(): void {
    this.update({ following: true, held: 0 })
    this.term.scrollToBottom()
    this.schedule()
  }

  /**
   * New view options. How lines look (timestamps, zone, stream filter) is a redraw of what is held;
   * how much history (tail, since) is a new stream; wrapping is a resize.
   */
  setOptions(next: LogViewOptions): void {
    const previous = this.options
    this.options = next
    if (next.tail !== previous.tail || JSON.stringify(next.since) !== JSON.stringify(previous.since)) {
      this.sub?.close()
      this.sub = null
      this.pending = []
      this.pendingLines = 0
      this.ring.clear()
      this.last = null
      this.redraw([])
      this.update({ held: 0 })
      this.open(false)
      return
    }
    if (next.wrap !== previous.wrap) this.fitNow()
    if (next.timestamps !== previous.timestamps || next.zone !== previous.zone || next.streams !== previous.streams) {
      // Lines still waiting (while paused) are written later, with the new setting.
      this.redraw(this.ring.toArray(this.ring.size - this.pendingLines))
    }
  }

  clear(): void {
    for (const entry of this.pending) entry.lines = []
    this.pendingLines = 0
    this.ring.clear()
    this.redraw([])
    this.update({ held: 0 })
  }

  /** `incremental` while typing (the current match grows), not when stepping to the next match. */
  find(term: string, direction: 'next' | 'previous', incremental = false): void {
    this.query = term
    if (!term) return this.clearSearch()
    const options = {
      decorations: {
        matchBackground: cssVar('--search-match'),
        activeMatchBackground: cssVar('--search-active'),
        matchOverviewRuler: cssVar('--search-match'),
        activeMatchColorOverviewRuler: cssVar('--search-active'),
      },
    }
    if (direction === 'next') this.search.findNext(term, { ...options, incremental })
    else this.search.findPrevious(term, options)
  }

  clearSearch(): void {
    this.query = ''
    this.search.clearDecorations()
    this.update({ search: null })
  }

  /** The lines held now (up to the last 10,000), as the user sees them, for a `.log` download. */
  text(): string {
    return this.ring
      .toArray()
      .filter((line) => passesFilter(line, this.options.streams))
      .map((line) => plainLine(line, this.options.timestamps))
      .join('\n')
  }

  reconnect(): void {
    if (this.disposed) return
    this.sub?.close()
    this.open(this.last !== null)
  }

  dispose(): void {
    this.disposed = true
    cancelAnimationFrame(this.frame)
    this.sub?.close()
    this.sub = null
    for (const dispose of this.disposers) dispose()
    this.term.dispose()
  }

  private open(resume: boolean): void {
    this.skip = resume && this.last ? { key: this.last.key, remaining: this.last.count } : null
    this.markNext = resume
    const since = resume && this.last ? dockerSince(this.last.timestamp) : undefined
    const holder: { sub: Subscription | null } = { sub: null }
    this.update({ phase: 'open', error: null })
    const sub = openStream(
      'containers.logs',
      { ...this.target, timestamps: true, ...this.historyParams(since) },
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

  private receive(sub: Subscription, batch: LogBatch): void {
    if (sub !== this.sub) return
    const lines: HeldLine[] = []
    if (batch.resumed || this.markNext) {
      lines.push({ stream: 'marker', text: RESUMED_TEXT })
      this.markNext = false
    }
    for (const line of batch.lines) {
      const key = line.timestamp ? timestampKey(line.timestamp) : ''
      if (this.skip && key) {
        if (key < this.skip.key || (key === this.skip.key && this.skip.remaining-- > 0)) continue
        this.skip = null
      }
      if (key) {
        if (this.last?.key === key) this.last.count++
        else this.last = { key, timestamp: line.timestamp!, count: 1 }
      }
      lines.push(line)
    }
    for (const line of lines) this.ring.push(line)
    this.pending.push({ sub, lines })
    this.pendingLines += lines.length
    if (!this.status.following) this.update({ held: this.status.held + lines.length })
    this.schedule()
  }

  private schedule(): void {
    if (this.frame || !this.status.following || this.pending.length === 0 || this.disposed) return
    this.frame = requestAnimationFrame(() => this.flush())
  }

  private flush(): void {
    this.frame = 0
    if (!this.status.following || this.disposed) return
    let out = ''
    const acks = new Map<Subscription, number>()
    while (this.pending.length > 0 && out.length < MAX_WRITE_CHARS) {
      const entry = this.pending.shift()!
      for (const line of entry.lines) {
        if (!passesFilter(line, this.options.streams)) continue
        out += (this.needsBreak ? '\r\n' : '') + renderLine(line, this.options)
        this.needsBreak = true
      }
      this.pendingLines -= entry.lines.length
      acks.set(entry.sub, (acks.get(entry.sub) ?? 0) + 1)
    }
    const ack = (): void => acks.forEach((count, sub) => sub.ack(count))
    if (out) this.term.write(out, ack)
    else ack()
    this.schedule()
  }

  private redraw(lines: HeldLine[]): void {
    this.term.reset()
    this.term.write('\x1b[?25l')
    this.search.clearDecorations()
    this.needsBreak = false
    const out = lines
      .filter((line) => passesFilter(line, this.options.streams))
      .map((line) => renderLine(line, this.options))
      .join('\r\n')
    if (out) this.needsBreak = true
    const query = this.query
    this.update({ search: null })
    this.term.write(out, () => query && !this.disposed && this.find(query, 'next'))
  }

  private fitNow(): void {
    if (this.disposed || !this.term.element?.isConnected) return
    const proposed = this.fit.proposeDimensions()
    if (!proposed) return
    if (this.options.wrap) this.fit.fit()
    else this.term.resize(Math.max(NOWRAP_COLS, proposed.cols), proposed.rows)
  }

  /** The stream's tail/since: the user's choice on first open, everything since the last line on a resume. */
  private historyParams(resumeSince: string | undefined): { tail: number; since?: string } {
    if (resumeSince) return { tail: RESUME_TAIL, since: resumeSince }
    const { tail, since } = this.options
    const lines = tail === 'all' ? RESUME_TAIL : tail
    if (since === null) return { tail: lines }
    const from = 'seconds' in since ? Date.now() / 1000 - since.seconds : Date.parse(since.at) / 1000
    return Number.isFinite(from) ? { tail: lines, since: from.toFixed(3) } : { tail: lines }
  }

  private update(changes: Partial<LogViewStatus>): void {
    this.status = { ...this.status, ...changes }
    this.onStatus(this.status)
  }
}
