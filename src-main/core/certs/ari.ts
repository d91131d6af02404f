import { AuthorityKeyIdentifierExtension, X509Certificate } from '@peculiar/x509'
import type { AcmeConnection } from './acme-http'
import { parseRetryAfter, type SuggestedWindow } from './renewal-schedule'

/**
 * ACME Renewal Information (RFC 9773): the CA tells when to renew. The certificate is named by its CertID,
 * `base64url(AKI keyIdentifier) "." base64url(serial number's DER content octets)`, the serial with the leading
 * zero its DER encoding carries when the high bit is set.
 */

/** CertID from the raw values, hex with or without colons (RFC 9773 §4.1). */
export function certIdFrom(authorityKeyIdHex: string, serialHex: string): string {
  const aki = Buffer.from(cleanHex(authorityKeyIdHex), 'hex')
  let serial = Buffer.from(cleanHex(serialHex), 'hex')
  // Minimal DER INTEGER content: no superfluous leading zeros, but a zero before a set high bit.
  let start = 0
  while (start < serial.length - 1 && serial[start] === 0 && (serial[start + 1]! & 0x80) === 0) start++
  serial = serial.subarray(start)
  if (serial.length > 0 && (serial[0]! & 0x80) !== 0) serial = Buffer.concat([Buffer.from([0]), serial])
  return `${aki.toString('base64url')}.${serial.toString('base64url')}`
}

/** CertID of a PEM certificate (the leaf: the first one of a chain); null without an AKI key identifier. */
export function certIdOf(certPem: string): string | null {
  const cert = new X509Certificate(firstPem(certPem))
  const aki = cert.getExtension(AuthorityKeyIdentifierExtension)
  if (!aki?.keyId) return null
  return certIdFrom(aki.keyId, cert.serialNumber)
}

export interface RenewalInfo {
  window: SuggestedWindow
  /** When to ask again, from Retry-After (null when the CA sent none or an unusable one). */
  retryAfter: Date | null
  explanationUrl: string | null
}

/**
 * A RenewalInfo answer, or null when it is unusable: no window, unparsable times, or an end not after the start
 * (RFC 9773 §4.2: treated as if no answer came, so the lifetime rule applies).
 */
export function parseRenewalInfo(body: string, retryAfterHeader: string | null, now: Date): RenewalInfo | null {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return null
  }
  const window = (json as { suggestedWindow?: { start?: unknown; end?: unknown } } | null)?.suggestedWindow
  if (!window || typeof window.start !== 'string' || typeof window.end !== 'string') return null
  const start = Date.parse(window.start)
  const end = Date.parse(window.end)
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return null
  const explanation = (json as { explanationURL?: unknown }).explanationURL
  return {
    window: { start: new Date(start), end: new Date(end) },
    retryAfter: parseRetryAfter(retryAfterHeader, now),
    explanationUrl: typeof explanation === 'string' ? explanation : null,
  }
}

/** GET `<renewalInfo>/<certID>`; null when the CA has nothing usable (its answer is then logged by the caller). */
export async function fetchRenewalInfo(
  connection: AcmeConnection,
  renewalInfoUrl: string,
  certId: string,
  now: Date,
  signal: AbortSignal,
): Promise<{ info: RenewalInfo | null; status: number; retryAfter: Date | null }> {
  const base = renewalInfoUrl.endsWith('/') ? renewalInfoUrl : `${renewalInfoUrl}/`
  const answer = await connection.get(`${base}${certId}`, signal)
  const header = headerValue(answer.headers['retry-after'])
  const retryAfter = parseRetryAfter(header, now)
  if (answer.status !== 200) return { info: null, status: answer.status, retryAfter }
  return { info: parseRenewalInfo(answer.body, header, now), status: answer.status, retryAfter }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null
  return value ?? null
}

function cleanHex(value: string): string {
  const hex = value.replace(/[:\s]/g, '')
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error('Not a hex string')
  return hex.length % 2 === 1 ? `0${hex}` : hex
}

export function firstPem(chainPem: string): string {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chainPem)
  if (!match) throw new Error('No certificate in the PEM')
  return match[0]
}
