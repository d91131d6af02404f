import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../../src-preload/contract/errors'
import { ERROR_TEXT, hasTextForEveryCode, shortenIds } from './error-text'

describe('error text', () => {
  it('has a sentence and a next step for every error code in the contract', () => {
    expect(hasTextForEveryCode()).toEqual([])
    for (const code of ERROR_CODES) {
      expect(ERROR_TEXT[code].sentence, code).toMatch(/^[A-Z].*\.$/)
      expect(ERROR_TEXT[code].next, code).toMatch(/^[A-Z].*\.$/)
      expect(ERROR_TEXT[code].sentence, code).not.toContain(code)
    }
  })

  it('shortens 64-character ids to 12, with or without sha256:, and leaves other text alone', () => {
    const id = 'f'.repeat(12) + 'a'.repeat(52)
    expect(shortenIds(`container ${id} is running`)).toBe('container ffffffffffff is running')
    expect(shortenIds(`image sha256:${id}`)).toBe('image ffffffffffff')
    expect(shortenIds('SHA256:7w//dYCkw5aAdFDbYt2e5xF4ud')).toBe('SHA256:7w//dYCkw5aAdFDbYt2e5xF4ud')
  })
})
