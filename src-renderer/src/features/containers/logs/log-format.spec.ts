import { describe, expect, it } from 'vitest'
import { plainLine, renderLine, sanitize } from './log-format'
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
    expect(renderLine(line, false)).toBe('\x1b[31mboom\x1b[0m')
    expect(renderLine(line, true)).toContain('2026-01-02T03:04:05.123456789Z')
    expect(renderLine({ stream: 'stdout', text: '\x1b[32mgreen' }, false)).toBe('\x1b[32mgreen\x1b[0m')
    expect(plainLine(line, true)).toBe('2026-01-02T03:04:05.123456789Z boom')
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
