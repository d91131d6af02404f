export type LogStreamName = 'stdout' | 'stderr'

export interface LogLine {
  stream: LogStreamName
  text: string
  /** The daemon's RFC 3339 nano timestamp, present only when the logs were requested with `timestamps: true`. */
  timestamp?: string
}

export interface LogDemuxOptions {
  /** TTY containers log raw bytes (no frame headers), with `\r\n` line endings; everything is stdout. */
  tty: boolean
  /**
   * The logs were requested with `timestamps: true`. Explicit rather than sniffed: many programs start their own
   * lines with an RFC 3339 time, and those must stay part of the text.
   */
  timestamps?: boolean
  /** A line that grows past this many bytes without a newline is emitted in pieces, so memory stays bounded. */
  maxLineBytes?: number
}

const HEADER_BYTES = 8
const DEFAULT_MAX_LINE_BYTES = 256 * 1024
const NEWLINE = 0x0a
const CARRIAGE_RETURN = 0x0d
// Docker writes RFC3339NanoFixed followed by one space; accept any fraction length and offset to be lenient.
const TIMESTAMP_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /
// 40 ASCII bytes hold the longest form above; enough to test a frame's start without decoding all of it.
const TIMESTAMP_PROBE_BYTES = 40

interface LineState {
  readonly stream: LogStreamName
  parts: Buffer[]
  size: number
  /** Set when the current line's timestamp came from a frame start or a forced split, not from its text. */
  timestamp: string | undefined
}

/**
 * Streaming demultiplexer for `GET /containers/{id}/logs` (and attach/exec) output.
 *
 * Non-TTY streams are framed as `[type, 0, 0, 0, uint32 BE length]` + payload. Frames are not line-aligned and
 * arrive in HTTP chunks that can cut a header or a multibyte UTF-8 character anywhere, so bytes are buffered per
 * stream and decoded only once a whole line is known (0x0A never occurs inside a UTF-8 sequence).
 */
export class LogDemuxer {
  private readonly timestamps: boolean
  private readonly maxLineBytes: number
  private readonly out: LineState = newLineState('stdout')
  private readonly err: LineState = newLineState('stderr')
  private pending: Buffer = Buffer.alloc(0)
  private raw: boolean
  private ended = false

  constructor(
    options: LogDemuxOptions,
    private readonly onLine: (line: LogLine) => void,
  ) {
    this.raw = options.tty
    this.timestamps = options.timestamps ?? false
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  }

  push(chunk: Buffer | Uint8Array | string): void {
    if (this.ended) throw new Error('LogDemuxer: push after end')
    const bytes =
      typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
    if (this.raw) {
      this.write(this.out, bytes)
      return
    }
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes])
    this.drainFrames()
  }

  /** Flushes a trailing line that had no newline. A truncated last frame is emitted as far as it got. */
  end(): void {
    if (this.ended) return
    this.ended = true
    if (!this.raw && this.pending.length > HEADER_BYTES) {
      const type = this.pending[0]
      this.frame(type === 2 || type === 3 ? this.err : this.out, this.pending.subarray(HEADER_BYTES))
    }
    this.pending = Buffer.alloc(0)
    this.flush(this.out)
    this.flush(this.err)
  }

  private drainFrames(): void {
    let offset = 0
    while (this.pending.length > offset) {
      const type = this.pending[offset]!
      // Checked on a partial header too, so a short raw chunk is not held back waiting for 8 bytes.
      if (!isFrameHeader(this.pending, offset)) {
        // Not a multiplexed stream after all (the container was recreated with a TTY, or the caller guessed
        // wrong): like docker-modem, pass the rest through as raw stdout instead of emitting garbage lines.
        this.raw = true
        const rest = this.pending.subarray(offset)
        this.pending = Buffer.alloc(0)
        this.write(this.out, rest)
        return
      }
      if (this.pending.length - offset < HEADER_BYTES) break
      const length = this.pending.readUInt32BE(offset + 4)
      if (this.pending.length - offset - HEADER_BYTES < length) break
      const payload = this.pending.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length)
      // 0 is stdin (echoed by attach); 3 is the daemon's own error channel, which belongs next to stderr.
      this.frame(type === 2 || type === 3 ? this.err : this.out, payload)
      offset += HEADER_BYTES + length
    }
    // Copy so a small leftover does not pin a large chunk in memory.
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset))
  }

  private frame(state: LineState, payload: Buffer): void {
    if (this.timestamps) {
      // The daemon writes one log message per frame and prefixes each with its time. A message longer than 16 KiB
      // is split by the log driver into partial messages without a newline, each with its own prefix: a prefix in
      // the middle of a line belongs to such a continuation and is dropped, keeping the line's first time.
      const probe = payload.subarray(0, TIMESTAMP_PROBE_BYTES).toString('latin1')
      const match = TIMESTAMP_PREFIX.exec(probe)
      if (match) {
        if (state.size === 0 && state.timestamp === undefined) state.timestamp = match[1]
        payload = payload.subarray(match[0].length)
      }
    }
    this.write(state, payload)
  }

  private write(state: LineState, bytes: Buffer): void {
    let start = 0
    for (let nl = bytes.indexOf(NEWLINE, start); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
      append(state, bytes.subarray(start, nl))
      this.emit(state, true)
      start = nl + 1
    }
    if (start < bytes.length) {
      // Copy, so a few bytes of an unfinished line do not pin a whole 64 KiB chunk.
      append(state, Buffer.from(bytes.subarray(start)))
      if (state.size > this.maxLineBytes) this.splitLongLine(state)
    }
  }

  private splitLongLine(state: LineState): void {
    const all = Buffer.concat(state.parts)
    const cut = utf8SafeCut(all)
    state.parts = [all.subarray(0, cut)]
    state.size = cut
    const rest = all.subarray(cut)
    const timestamp = this.emit(state, false)
    // The continuation keeps the time of the line it was cut from and is never parsed for a prefix of its own.
    state.timestamp = timestamp ?? ''
    append(state, rest)
  }

  private flush(state: LineState): void {
    if (state.size > 0) this.emit(state, true)
  }

  private emit(state: LineState, complete: boolean): string | undefined {
    let bytes = state.parts.length === 1 ? state.parts[0]! : Buffer.concat(state.parts)
    if (complete && bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, -1)
    }
    let text = bytes.toString('utf8')
    let timestamp = state.timestamp
    if (this.timestamps && timestamp === undefined) {
      // Raw TTY streams have no frames to carry the prefix, and other engines may pack several lines into a frame.
      const match = TIMESTAMP_PREFIX.exec(text)
      if (match) {
        timestamp = match[1]
        text = text.slice(match[0].length)
      }
    }
    state.parts = []
    state.size = 0
    state.timestamp = undefined
    this.onLine(timestamp ? { stream: state.stream, text, timestamp } : { stream: state.stream, text })
    return timestamp
  }

  /** True for TTY streams, and for streams that turned out not to be multiplexed. */
  get isRaw(): boolean {
    return this.raw
  }
}

/** Demultiplexes and splits a complete (non-follow) logs body in one call. */
export function demuxAll(buffer: Buffer, tty: boolean, options: Omit<LogDemuxOptions, 'tty'> = {}): LogLine[] {
  const lines: LogLine[] = []
  const demuxer = new LogDemuxer({ ...options, tty }, (line) => lines.push(line))
  demuxer.push(buffer)
  demuxer.end()
  return lines
}

function newLineState(stream: LogStreamName): LineState {
  return { stream, parts: [], size: 0, timestamp: undefined }
}

function append(state: LineState, bytes: Buffer): void {
  if (bytes.length === 0) return
  state.parts.push(bytes)
  state.size += bytes.length
}

/** Checks as many of the header's first four bytes as are present (type 0-3, then three zero bytes). */
function isFrameHeader(buf: Buffer, offset: number): boolean {
  const end = Math.min(offset + 4, buf.length)
  if (buf[offset]! > 3) return false
  for (let i = offset + 1; i < end; i++) if (buf[i] !== 0) return false
  return true
}

/** The largest prefix length of `buf` that does not end inside a multibyte UTF-8 sequence. */
export function utf8SafeCut(buf: Buffer): number {
  const len = buf.length
  for (let back = 1; back <= Math.min(4, len); back++) {
    const byte = buf[len - back]!
    if ((byte & 0xc0) === 0x80) continue
    if (byte < 0xc0) return len
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
    return back < needed ? len - back : len
  }
  return len
}
