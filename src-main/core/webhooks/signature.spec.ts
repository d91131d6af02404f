import { describe, expect, it } from 'vitest'
import { githubSignature, verifyGithubSignature } from './signature'

/** GitHub's published test vector (docs: "Validating webhook deliveries"). */
const SECRET = "It's a Secret to Everybody"
const PAYLOAD = Buffer.from('Hello, World!')
const SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'

describe('X-Hub-Signature-256', () => {
  it("computes GitHub's published test vector", () => {
    expect(githubSignature(SECRET, PAYLOAD)).toBe(SIGNATURE)
  })

  it('accepts the test vector and refuses every near miss', () => {
    expect(verifyGithubSignature(SECRET, PAYLOAD, SIGNATURE)).toBe(true)
    expect(verifyGithubSignature(SECRET, PAYLOAD, undefined)).toBe(false)
    expect(verifyGithubSignature(SECRET, PAYLOAD, '')).toBe(false)
    // One hex digit changed, upper-case hex, the SHA-1 header's prefix, no prefix.
    expect(verifyGithubSignature(SECRET, PAYLOAD, SIGNATURE.slice(0, -1) + '8')).toBe(false)
    expect(verifyGithubSignature(SECRET, PAYLOAD, 'sha256=' + SIGNATURE.slice(7).toUpperCase())).toBe(false)
    expect(verifyGithubSignature(SECRET, PAYLOAD, 'sha1=' + SIGNATURE.slice(7))).toBe(false)
    expect(verifyGithubSignature(SECRET, PAYLOAD, SIGNATURE.slice(7))).toBe(false)
    // Another secret, another body (one byte more).
    expect(verifyGithubSignature(SECRET + ' ', PAYLOAD, SIGNATURE)).toBe(false)
    expect(verifyGithubSignature(SECRET, Buffer.from('Hello, World!\n'), SIGNATURE)).toBe(false)
  })

  it('refuses signatures of another length without comparing them (timingSafeEqual would throw)', () => {
    expect(verifyGithubSignature(SECRET, PAYLOAD, SIGNATURE + '0')).toBe(false)
    expect(verifyGithubSignature(SECRET, PAYLOAD, SIGNATURE.slice(0, -1))).toBe(false)
    expect(verifyGithubSignature(SECRET, PAYLOAD, SIGNATURE + SIGNATURE)).toBe(false)
    // Same number of characters, more bytes in UTF-8: compared as bytes, still refused without a throw.
    expect(verifyGithubSignature(SECRET, PAYLOAD, SIGNATURE.slice(0, -1) + 'é')).toBe(false)
  })
})
