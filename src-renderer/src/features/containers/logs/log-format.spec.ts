import { describe, expect, it } from 'vitest'
import { formatTimestamp, passesFilter, plainLine, renderLine, sanitize } from './log-format'
import { dockerSince } from '../../../../../src-preload/contract/docker-time'
import { timestampKey } from './log-time'
import { LineRing } from './line-ring'

describe('log lines in the terminal', () => {
  it('keeps colours but drops screen clears, cursor moves, titles and stray controls', () => {
    expect(sanitize('\x1b[31mred\x1b[0m')).toBe('\x1b[31mred\x1b[0m')
    expect(sanitize('a\x1b[2Jb\x1b[10;1Hc')).toBe('abc')
    expect(sanitize('\x1b]0;owned\x07title')).toBe('title')
    expect(sanitize('reset\x1bc now\r\x07')).toBe('reset now')
    expect(sanitize('plain text')).toBe('plain text')
  })
  it('shows stderr in red, timestamps only when asked, and resets colours a line left open', () => {
    const line = { stream: 'stderr' as const, text: 'boom', timestamp: '2026-01-02T03:04:05.123456789Z' }
    const off = { timestamps: false, zone: 'utc' as const }
    expect(renderLine(line, off)).toBe('\x1b[31mboom\x1b[0m')
    expect(renderLine(line, { timestamps: true, zone: 'utc' })).toContain('2026-01-02 03:04:05.123 UTC')
    expect(renderLine({ stream: 'stdout', text: '\x1b[32mgreen' }, off)).toBe('\x1b[32mgreen\x1b[0m')
    expect(plainLine(line, true)).toBe('2026-01-02T03:04:05.123456789Z boom')
  })
  it('formats timestamps in local time by default and in UTC on request, leaving junk as it came', () => {
    const stamp = '2026-01-02T03:04:05.123456789Z'
    const local = new Date(stamp)
    const expected = `${local.getFullYear()}-01-02 ${String(local.getHours()).padStart(2, '0')}:04:05.123`
    expect(formatTimestamp(stamp, 'local')).toBe(expected)
    expect(formatTimestamp(stamp, 'utc')).toBe('2026-01-02 03:04:05.123 UTC')
    expect(formatTimestamp('not a time', 'local')).toBe('not a time')
  })
  it('filters by stream but always keeps glinrdock’s own markers', () => {
    const err = { stream: 'stderr' as const, text: 'e' }
    const marker = { stream: 'marker' as const, text: 'resumed' }
    expect(passesFilter(err, 'stdout')).toBe(false)
    expect(passesFilter(err, 'stderr')).toBe(true)
    expect(passesFilter(marker, 'stdout')).toBe(true)
    expect(passesFilter(err, 'all')).toBe(true)
  })
})

describe('log timestamps', () => {
  it('turns an RFC 3339 nano timestamp into the engine’s `since` without losing precision', () => {
    expect(dockerSince('2026-01-02T03:04:05.123456789Z')).toBe('1767323045.123456789')
    expect(dockerSince('2026-01-02T03:04:05Z')).toBe('1767323045.000000000')
  })
  it('orders timestamps by instant even when fractions differ in length', () => {
    expect(timestampKey('2026-01-02T03:04:05.12Z') > timestampKey('2026-01-02T03:04:05.1Z')).toBe(true)
  })
})

describe('the line ring', () => {
  it('keeps the newest entries up to its capacity, oldest first', () => {
    const ring = new LineRing<number>(3)
    for (let i = 1; i <= 5; i++) ring.push(i)
    expect(ring.toArray()).toEqual([3, 4, 5])
    expect(ring.toArray(2)).toEqual([3, 4])
    ring.clear()
    expect(ring.size).toBe(0)
  })
})
