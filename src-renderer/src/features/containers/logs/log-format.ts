import type { LogLine } from '../../../../../src-preload/contract/containers'

export const RESUMED_TEXT = '── resumed after reconnect ──'

/** A held line: one from the container, or a marker glinrdock inserted (a gap after a reconnect). */
export type HeldLine = LogLine | { stream: 'marker'; text: string; timestamp?: undefined }

/* eslint-disable no-control-regex -- finding terminal control sequences is the point */
const NEEDS_CLEANING = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/
// CSI, then OSC (titles, hyperlinks, clipboard), then any other escape, then lone C0/C1 controls.
const ESCAPES =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[^[\]]?|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f]/g
const SGR = /^\x1b\[[0-9;:]*m$/
/* eslint-enable no-control-regex */

/**
 * Keeps colours (SGR) but drops cursor movement, screen clears, resets, titles and other control
 * characters a container may print: they would rewrite lines already shown, or the view itself.
 */
export function sanitize(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text
  return text.replace(ESCAPES, (sequence) => (SGR.test(sequence) ? sequence : ''))
}

export type TimeZoneChoice = 'local' | 'utc'
export type StreamFilter = 'all' | 'stdout' | 'stderr'

export interface RenderOptions {
  timestamps: boolean
  zone: TimeZoneChoice
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/**
 * Docker's RFC 3339 nano timestamp as people read it: local time by default (what the clock on the wall
 * says), UTC on request, milliseconds either way. Unparseable text is shown as it came.
 */
export function formatTimestamp(timestamp: string, zone: TimeZoneChoice): string {
  const date = new Date(timestamp)
  if (Number.isNaN(date.getTime())) return timestamp
  if (zone === 'utc') return date.toISOString().replace('T', ' ').replace('Z', ' UTC')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  )
}

/** Whether a line is shown under a stdout/stderr filter; glinrdock's own markers always are. */
export const passesFilter = (line: HeldLine, filter: StreamFilter): boolean =>
  filter === 'all' || line.stream === 'marker' || line.stream === filter

/** The terminal text for one line (without the line break): stderr in red, timestamps dimmed, markers inverted. */
export function renderLine(line: HeldLine, options: RenderOptions): string {
  if (line.stream === 'marker') return `\x1b[33;7m ${line.text} \x1b[0m`
  const stamp =
    options.timestamps && line.timestamp ? `\x1b[2m${formatTimestamp(line.timestamp, options.zone)}\x1b[22m ` : ''
  const text = sanitize(line.text)
  if (line.stream === 'stderr') return `${stamp}\x1b[31m${text}\x1b[0m`
  return text.includes('\x1b') ? `${stamp}${text}\x1b[0m` : `${stamp}${text}`
}

/** The plain text of a download: what the user saw, without colours added by glinrdock. */
export function plainLine(line: HeldLine, timestamps: boolean): string {
  if (line.stream === 'marker') return `-- ${line.text} --`
  return timestamps && line.timestamp ? `${line.timestamp} ${line.text}` : line.text
}
