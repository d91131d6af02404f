import { createHmac, timingSafeEqual } from 'node:crypto'

const PREFIX = 'sha256='

/** `sha256=<hex>`: what GitHub sends as `X-Hub-Signature-256`, an HMAC-SHA256 of the raw body under the secret. */
export function githubSignature(secret: string, body: Buffer | string): string {
  return PREFIX + createHmac('sha256', secret).update(body).digest('hex')
}

/**
 * Whether `header` is the signature of `body` under `secret`. The comparison takes the same time whatever the
 * header holds (after its length, which is public: it is always 71 characters for a genuine one), so a caller
 * cannot learn the expected signature a byte at a time.
 */
export function verifyGithubSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined) return false
  const expected = Buffer.from(githubSignature(secret, body), 'utf8')
  const given = Buffer.from(header, 'utf8')
  if (given.length !== expected.length) return false
  return timingSafeEqual(given, expected)
}
