import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as x509 from '@peculiar/x509'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../infra/logging/logger'
import { AcmeConnection } from './acme-http'
import { certIdFrom, certIdOf, parseRenewalInfo } from './ari'
import { RenewalPlanner } from './renewal-planner'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

/** A leaf (serial `serialHex`, 90 days from `notBefore`) issued by a throw-away CA, with its AKI. */
async function issuedLeaf(serialHex: string, notBefore: Date): Promise<{ pem: string; akiHex: string }> {
  const caKeys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])
  const leafKeys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])
  const ski = await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey)
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex,
    subject: 'CN=app.example.com',
    issuer: 'CN=Throw-away CA',
    notBefore,
    notAfter: new Date(notBefore.getTime() + 90 * DAY),
    signingAlgorithm: alg,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey)],
  })
  return { pem: leaf.toString('pem'), akiHex: ski.keyId }
}

describe('CertID (RFC 9773 §4.1)', () => {
  it('matches the RFC’s example', () => {
    expect(certIdFrom('69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4', '00:87:65:43:21')).toBe(
      'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE',
    )
  })

  it('encodes the serial as DER does: a zero before a set high bit, no other leading zeros', () => {
    const aki = '69885B6B87464041E1B37B847BA0AE2CDE01C8D4'
    expect(certIdFrom(aki, '87654321')).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE')
    expect(certIdFrom(aki, '0000000012')).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.Eg')
    expect(certIdFrom(aki, '7f')).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.fw')
  })

  it('is read from a certificate’s AKI and serial', async () => {
    const { pem, akiHex } = await issuedLeaf('0087654321', new Date())
    expect(certIdOf(pem)).toBe(certIdFrom(akiHex, '0087654321'))
  })
})

describe('a RenewalInfo answer', () => {
  const now = new Date('2026-01-01T00:00:00Z')

  it('gives the window, Retry-After and explanation', () => {
    const info = parseRenewalInfo(
      JSON.stringify({
        suggestedWindow: { start: '2026-02-01T00:00:00Z', end: '2026-02-03T00:00:00Z' },
        explanationURL: 'https://ca.example/why',
      }),
      '21600',
      now,
    )
    expect(info?.window.start.toISOString()).toBe('2026-02-01T00:00:00.000Z')
    expect(info?.window.end.toISOString()).toBe('2026-02-03T00:00:00.000Z')
    expect(info?.retryAfter?.getTime()).toBe(now.getTime() + 6 * HOUR)
    expect(info?.explanationUrl).toBe('https://ca.example/why')
  })

  it('is unusable with an end not after its start, missing or broken times, or no JSON', () => {
    const window = (start: unknown, end: unknown) => JSON.stringify({ suggestedWindow: { start, end } })
    expect(parseRenewalInfo(window('2026-02-03T00:00:00Z', '2026-02-01T00:00:00Z'), null, now)).toBeNull()
    expect(parseRenewalInfo(window('2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z'), null, now)).toBeNull()
    expect(parseRenewalInfo(window('yesterday', '2026-02-01T00:00:00Z'), null, now)).toBeNull()
    expect(parseRenewalInfo(window(undefined, '2026-02-01T00:00:00Z'), null, now)).toBeNull()
    expect(parseRenewalInfo('{}', null, now)).toBeNull()
    expect(parseRenewalInfo('<html>', null, now)).toBeNull()
  })
})

/**
 * pebble 2.4 has no `renewalInfo` in its directory, so the ARI path is exercised against a fake CA on loopback:
 * a directory naming a renewalInfo resource, which answers a fixed window with Retry-After (or a 500 on demand).
 */
describe('renewal planning against a fake ARI CA on loopback', () => {
  let fakeAriCa: http.Server
  let base: string
  const requests: string[] = []
  let answer: { status: number; body: unknown; retryAfter?: string } = { status: 200, body: {} }
  let offerAri = true
  const t0 = new Date('2026-03-01T00:00:00Z')
  let now = t0
  const window = { start: '2026-04-10T00:00:00Z', end: '2026-04-12T00:00:00Z' }

  beforeAll(async () => {
    fakeAriCa = http.createServer((req, res) => {
      requests.push(req.url ?? '')
      if (req.url === '/dir') {
        const dir = { newOrder: `${base}/order`, ...(offerAri ? { renewalInfo: `${base}/renewal-info` } : {}) }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(dir))
        return
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (answer.retryAfter) headers['retry-after'] = answer.retryAfter
      res.writeHead(answer.status, headers).end(JSON.stringify(answer.body))
    })
    await new Promise<void>((resolve) => fakeAriCa.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(fakeAriCa.address() as AddressInfo).port}`
  })

  afterAll(() => new Promise((resolve) => fakeAriCa.close(resolve)))

  const planner = () =>
    new RenewalPlanner(
      () => now,
      () => 0.5,
      createLogger({ level: 'silent' }),
    )
  const signal = new AbortController().signal

  it('asks for the certificate’s CertID, renews in the middle of the window, and waits out Retry-After', async () => {
    requests.length = 0
    now = t0
    offerAri = true
    answer = { status: 200, body: { suggestedWindow: window }, retryAfter: '7200' }
    const { pem } = await issuedLeaf('0abc', t0)
    const connection = new AcmeConnection(`${base}/dir`, null)
    const p = planner()
    const first = await p.plan(connection, pem, { renewalDueAt: null, renewalSource: null }, signal)
    expect(first).toEqual({ renewalDueAt: new Date('2026-04-11T00:00:00Z'), renewalSource: 'ari' })
    expect(requests).toEqual(['/dir', `/renewal-info/${certIdOf(pem)}`])

    // Before Retry-After: no request, the choice is kept.
    now = new Date(t0.getTime() + HOUR)
    expect(await p.plan(connection, pem, first, signal)).toEqual(first)
    expect(requests).toHaveLength(2)

    // After it: asked again; the window moved, so a new time is drawn in it.
    now = new Date(t0.getTime() + 2 * HOUR)
    answer = { status: 200, body: { suggestedWindow: { start: '2026-03-02T00:00:00Z', end: '2026-03-04T00:00:00Z' } } }
    const moved = await p.plan(connection, pem, first, signal)
    expect(moved).toEqual({ renewalDueAt: new Date('2026-03-03T00:00:00Z'), renewalSource: 'ari' })
    expect(requests).toHaveLength(3)
    connection.dispose()
  })

  it('keeps the last ARI time when the CA errs, and falls back to the lifetime rule without one', async () => {
    now = t0
    offerAri = true
    answer = { status: 500, body: { detail: 'try later' } }
    const { pem } = await issuedLeaf('0abd', t0)
    const connection = new AcmeConnection(`${base}/dir`, null)
    const kept = { renewalDueAt: new Date('2026-04-11T00:00:00Z'), renewalSource: 'ari' as const }
    expect(await planner().plan(connection, pem, kept, signal)).toEqual(kept)
    const fresh = await planner().plan(connection, pem, { renewalDueAt: null, renewalSource: null }, signal)
    // 90 days from t0, one third left, minus half of 1 % of the lifetime.
    expect(fresh).toEqual({ renewalDueAt: new Date(t0.getTime() + 60 * DAY - 0.45 * DAY), renewalSource: 'lifetime' })
    connection.dispose()
  })

  it('uses the lifetime rule when the directory offers no renewalInfo (pebble 2.4)', async () => {
    now = t0
    offerAri = false
    requests.length = 0
    const { pem } = await issuedLeaf('0abe', t0)
    const connection = new AcmeConnection(`${base}/dir`, null)
    const plan = await planner().plan(connection, pem, { renewalDueAt: null, renewalSource: null }, signal)
    expect(plan.renewalSource).toBe('lifetime')
    expect(requests).toEqual(['/dir'])
    connection.dispose()
  })
})
