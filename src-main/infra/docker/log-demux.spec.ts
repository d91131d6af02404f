import { describe, expect, it } from 'vitest'
import { demuxAll, LogDemuxer, utf8SafeCut, type LogDemuxOptions, type LogLine } from './log-demux'

const STDOUT = 1
const STDERR = 2

function frame(type: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(body.length, 4)
  return Buffer.concat([header, body])
}

function run(chunks: Buffer[], options: LogDemuxOptions): LogLine[] {
  const lines: LogLine[] = []
  const demuxer = new LogDemuxer(options, (line) => lines.push(line))
  for (const chunk of chunks) demuxer.push(chunk)
  demuxer.end()
  return lines
}

/** Deterministic PRNG (mulberry32) so a failing property run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function chunkRandomly(buf: Buffer, random: () => number, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = []
  for (let i = 0; i < buf.length;) {
    const size = 1 + Math.floor(random() * maxChunk)
    chunks.push(Buffer.from(buf.subarray(i, i + size)))
    i += size
  }
  return chunks
}

const TS1 = '2024-05-01T10:00:00.123456789Z'
const TS2 = '2024-05-01T10:00:01.000000001Z'

describe('LogDemuxer (multiplexed)', () => {
  it('tells stdout from stderr and yields one entry per line', () => {
    const body = Buffer.concat([frame(STDOUT, 'out1\n'), frame(STDERR, 'err1\n'), frame(STDOUT, 'out2\n')])
    expect(demuxAll(body, false)).toEqual([
      { stream: 'stdout', text: 'out1' },
      { stream: 'stderr', text: 'err1' },
      { stream: 'stdout', text: 'out2' },
    ])
  })

  it('joins lines that span frames and splits frames that hold several lines', () => {
    const body = Buffer.concat([frame(STDOUT, 'hel'), frame(STDOUT, 'lo\nwor'), frame(STDOUT, 'ld\n\nlast\n')])
    expect(demuxAll(body, false).map((l) => l.text)).toEqual(['hello', 'world', '', 'last'])
  })

  it('keeps a partial stdout line apart from stderr lines that arrive in between', () => {
    const body = Buffer.concat([frame(STDOUT, 'a'), frame(STDERR, 'b\n'), frame(STDOUT, 'c\n')])
    expect(demuxAll(body, false)).toEqual([
      { stream: 'stderr', text: 'b' },
      { stream: 'stdout', text: 'ac' },
    ])
  })

  it('reassembles headers split across chunks, down to one byte per chunk', () => {
    const body = Buffer.concat([frame(STDERR, 'first\n'), frame(STDOUT, 'second\n')])
    const chunks = [...body].map((b) => Buffer.from([b]))
    expect(run(chunks, { tty: false })).toEqual([
      { stream: 'stderr', text: 'first' },
      { stream: 'stdout', text: 'second' },
    ])
  })

  it('decodes multibyte UTF-8 characters cut across frames and chunks', () => {
    const text = Buffer.from('café 🐳 ok\n')
    const cutInEmoji = text.indexOf(Buffer.from('🐳')) + 2
    const body = Buffer.concat([
      frame(STDOUT, text.subarray(0, 4)), // ends after the first byte of é
      frame(STDOUT, text.subarray(4, cutInEmoji)),
      frame(STDOUT, text.subarray(cutInEmoji)),
    ])
    const chunks = [body.subarray(0, 11), body.subarray(11, 21), body.subarray(21)]
    expect(run(chunks, { tty: false })).toEqual([{ stream: 'stdout', text: 'café 🐳 ok' }])
  })

  it('emits a trailing line without newline at end, and a truncated last frame as far as it got', () => {
    expect(demuxAll(Buffer.concat([frame(STDOUT, 'one\ntwo')]), false).map((l) => l.text)).toEqual(['one', 'two'])
    const truncated = frame(STDERR, 'cut short\n').subarray(0, 8 + 3)
    expect(demuxAll(truncated, false)).toEqual([{ stream: 'stderr', text: 'cut' }])
  })

  it('strips a carriage return before the newline', () => {
    expect(demuxAll(frame(STDOUT, 'dos\r\nunix\n'), false).map((l) => l.text)).toEqual(['dos', 'unix'])
  })

  it('falls back to raw stdout when the body is not multiplexed after all', () => {
    expect(demuxAll(Buffer.from('hi\n'), false)).toEqual([{ stream: 'stdout', text: 'hi' }])
    expect(demuxAll(Buffer.from('plain text\r\nmore\r\n'), false).map((l) => l.text)).toEqual(['plain text', 'more'])
    const lines: LogLine[] = []
    const demuxer = new LogDemuxer({ tty: false }, (line) => lines.push(line))
    demuxer.push(Buffer.from('a\r\n'))
    // A short raw chunk must not wait for a full 8-byte header to arrive.
    expect(lines).toEqual([{ stream: 'stdout', text: 'a' }])
    expect(demuxer.isRaw).toBe(true)
  })

  it('refuses pushes after end', () => {
    const demuxer = new LogDemuxer({ tty: false }, () => {})
    demuxer.end()
    expect(() => demuxer.push(Buffer.from('x'))).toThrow()
  })
})

describe('LogDemuxer with timestamps', () => {
  it('splits the leading RFC 3339 nano timestamp off each line', () => {
    const body = Buffer.concat([
      frame(STDOUT, `${TS1} out1\n`),
      frame(STDERR, `${TS2} err1\n`),
      frame(STDOUT, `${TS2} \n`),
    ])
    expect(demuxAll(body, false, { timestamps: true })).toEqual([
      { stream: 'stdout', text: 'out1', timestamp: TS1 },
      { stream: 'stderr', text: 'err1', timestamp: TS2 },
      { stream: 'stdout', text: '', timestamp: TS2 },
    ])
  })

  it('merges partial messages of a long line and keeps the first timestamp', () => {
    // The log driver cuts messages at 16 KiB; each piece is its own frame with its own prefix and no newline.
    const body = Buffer.concat([
      frame(STDOUT, `${TS1} aaaa`),
      frame(STDOUT, `${TS2} bbbb`),
      frame(STDOUT, `${TS2} cc\n`),
    ])
    expect(demuxAll(body, false, { timestamps: true })).toEqual([
      { stream: 'stdout', text: 'aaaabbbbcc', timestamp: TS1 },
    ])
  })

  it('leaves a timestamp that is part of the program output alone when timestamps were not requested', () => {
    expect(demuxAll(frame(STDOUT, `${TS1} INFO started\n`), false)).toEqual([
      { stream: 'stdout', text: `${TS1} INFO started` },
    ])
  })

  it('keeps the program own timestamp after the daemon one', () => {
    expect(demuxAll(frame(STDOUT, `${TS1} ${TS2} app\n`), false, { timestamps: true })).toEqual([
      { stream: 'stdout', text: `${TS2} app`, timestamp: TS1 },
    ])
  })

  it('parses timestamps in raw TTY output too, with offsets other than Z', () => {
    const ts = '2024-05-01T12:00:00.5+02:00'
    expect(demuxAll(Buffer.from(`${ts} one\r\n${ts} two\r\n`), true, { timestamps: true })).toEqual([
      { stream: 'stdout', text: 'one', timestamp: ts },
      { stream: 'stdout', text: 'two', timestamp: ts },
    ])
  })
})

describe('LogDemuxer (TTY)', () => {
  it('splits raw bytes on \\r\\n and reports everything as stdout', () => {
    expect(demuxAll(Buffer.from('tty1\r\ntty2\r\npartial'), true)).toEqual([
      { stream: 'stdout', text: 'tty1' },
      { stream: 'stdout', text: 'tty2' },
      { stream: 'stdout', text: 'partial' },
    ])
  })

  it('does not mistake a leading \\x01 byte of TTY output for a frame header', () => {
    expect(demuxAll(Buffer.from('\x01\x00\x00\x00\x00\x00\x00\x02hi\r\n'), true)[0]?.text).toBe(
      '\x01\x00\x00\x00\x00\x00\x00\x02hi',
    )
  })
})

describe('LogDemuxer line length bound', () => {
  it('emits an over-long line in pieces cut on character boundaries, each piece keeping the timestamp', () => {
    const lines: LogLine[] = []
    const demuxer = new LogDemuxer({ tty: true, timestamps: true, maxLineBytes: 8 }, (line) => lines.push(line))
    demuxer.push(`${TS1} `)
    for (const ch of 'ééééééé') demuxer.push(Buffer.from(ch))
    demuxer.push('\n')
    demuxer.end()
    const texts = lines.map((l) => l.text)
    expect(texts.join('')).toBe('ééééééé')
    expect(texts.every((t) => !t.includes('\uFFFD'))).toBe(true)
    expect(lines.length).toBeGreaterThan(1)
  })

  it('finds the last complete UTF-8 boundary', () => {
    const emoji = Buffer.from('🐳')
    expect(utf8SafeCut(Buffer.from('abc'))).toBe(3)
    expect(utf8SafeCut(Buffer.concat([Buffer.from('a'), emoji]))).toBe(5)
    expect(utf8SafeCut(Buffer.concat([Buffer.from('a'), emoji.subarray(0, 3)]))).toBe(1)
    expect(utf8SafeCut(Buffer.concat([Buffer.from('a'), emoji.subarray(0, 1)]))).toBe(1)
    expect(utf8SafeCut(Buffer.from('é').subarray(0, 1))).toBe(0)
  })
})

describe('LogDemuxer property: chunking never changes the result', () => {
  const alphabet = ['a', 'b', 'Z', ' ', '\n', '\n', 'é', '🐳', '\r\n', '中', '\t']

  function randomText(random: () => number, maxLen: number): string {
    let s = ''
    const len = Math.floor(random() * maxLen)
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(random() * alphabet.length)]
    return s
  }

  /** Cuts each stream's bytes into frames at arbitrary byte offsets, interleaving stdout and stderr. */
  function multiplex(random: () => number, out: Buffer, err: Buffer): Buffer {
    const frames: Buffer[] = []
    const cursors = [0, 0]
    const sources = [out, err]
    while (cursors[0]! < out.length || cursors[1]! < err.length) {
      const pick = cursors[0]! >= out.length ? 1 : cursors[1]! >= err.length ? 0 : random() < 0.5 ? 0 : 1
      const size = 1 + Math.floor(random() * 12)
      const source = sources[pick]!
      frames.push(frame(pick + 1, source.subarray(cursors[pick], cursors[pick]! + size)))
      cursors[pick] = cursors[pick]! + size
    }
    return Buffer.concat(frames)
  }

  const expectedLines = (text: string): string[] => {
    const lines = text.split('\n').map((l) => l.replace(/\r$/, ''))
    if (lines[lines.length - 1] === '') lines.pop()
    return lines
  }

  it('yields the same lines per stream for 300 random bodies and chunkings (seed 20240501)', () => {
    const random = prng(20240501)
    for (let round = 0; round < 300; round++) {
      const out = randomText(random, 80)
      const err = randomText(random, 80)
      const body = multiplex(random, Buffer.from(out), Buffer.from(err))
      const whole = demuxAll(body, false)
      const chunked = run(chunkRandomly(body, random, 1 + Math.floor(random() * 20)), { tty: false })
      expect(chunked).toEqual(whole)
      expect(whole.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(expectedLines(out))
      expect(whole.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(expectedLines(err))
    }
  })

  it('reassembles timestamped partial messages under random chunking (seed 7)', () => {
    const random = prng(7)
    for (let round = 0; round < 200; round++) {
      const expected: LogLine[] = []
      const frames: Buffer[] = []
      const count = 1 + Math.floor(random() * 6)
      for (let i = 0; i < count; i++) {
        const text = randomText(random, 40).replace(/[\r\n]/g, '')
        const stream = random() < 0.5 ? 'stdout' : 'stderr'
        // Like the json-file driver: cut the message into pieces on byte offsets, each prefixed with its own time.
        const bytes = Buffer.from(text)
        let at = 0
        let piece = 0
        do {
          const size = 1 + Math.floor(random() * 10)
          const last = at + size >= bytes.length
          const ts = `2024-05-01T10:${String(i).padStart(2, '0')}:${String(piece).padStart(2, '0')}.000000000Z`
          if (piece === 0) expected.push({ stream, text, timestamp: ts })
          const payload = [Buffer.from(`${ts} `), bytes.subarray(at, at + size), Buffer.from(last ? '\n' : '')]
          frames.push(frame(stream === 'stdout' ? STDOUT : STDERR, Buffer.concat(payload)))
          at += size
          piece++
        } while (at < bytes.length)
      }
      const chunked = run(chunkRandomly(Buffer.concat(frames), random, 16), { tty: false, timestamps: true })
      expect(chunked).toEqual(expected)
    }
  })

  it('splits raw TTY output the same way under random chunking (seed 99)', () => {
    const random = prng(99)
    for (let round = 0; round < 200; round++) {
      const text = randomText(random, 120)
      const body = Buffer.from(text)
      const chunked = run(chunkRandomly(body, random, 7), { tty: true })
      expect(chunked.map((l) => l.text)).toEqual(expectedLines(text))
      expect(chunked.every((l) => l.stream === 'stdout')).toBe(true)
    }
  })
})
