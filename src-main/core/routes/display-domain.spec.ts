import { domainToASCII } from 'node:url'
import { describe, expect, it } from 'vitest'
import { displayDomain } from './display-domain'

const shown = (unicode: string): string => displayDomain(domainToASCII(unicode))

describe('how a route’s domain is shown', () => {
  it('shows single-script names in Unicode, and the mixes Chinese, Japanese and Korean are written in', () => {
    for (const name of [
      'app.example.com',
      'bücher.example',
      '日本語.jp',
      'ソニー製品.jp',
      'παράδειγμα.δοκιμή',
      'пример.рф',
    ])
      expect(shown(name), name).toBe(name)
    expect(shown('한국어abc.kr')).toBe('한국어abc.kr')
  })

  it('shows a label that mixes look-alike scripts as nginx and the CA see it', () => {
    // A Cyrillic а, and a Greek α, among Latin letters.
    for (const name of ['аpple.com', 'pαypal.com', 'shop.gооgle.com']) {
      const ascii = domainToASCII(name)
      expect(ascii, name).toMatch(/xn--/)
      expect(shown(name), name).toBe(ascii)
    }
  })

  it('answers an ASCII domain as it is', () => {
    expect(displayDomain('xn--bcher-kva.example')).toBe('bücher.example')
    expect(displayDomain('a-b.example.com')).toBe('a-b.example.com')
  })
})
