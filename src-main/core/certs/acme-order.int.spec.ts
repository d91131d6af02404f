import { readFileSync } from 'node:fs'
import http from 'node:http'
import { X509Certificate } from '@peculiar/x509'
import * as acme from 'acme-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { mapDomain, pebbleRoots, unmapDomain } from '../../../e2e/fixtures/pebble'
import { AcmeConnection } from './acme-http'
import { AcmeFailure, orderCertificate, type ChallengeResponder, type OrderStep } from './acme-order'

/**
 * The ACME flow against the test bed's real pebble. The challenge is answered by a plain loopback HTTP server
 * (a fake of the proxy's challenge location, not of the CA): the proxy itself is exercised in certs.int.spec.ts.
 * So that both specs may run at once, this one's domains resolve (through pebble-challtestsrv) to 127.0.0.2,
 * where this fake listens on pebble's HTTP-01 port; the proxy spec publishes on 127.0.0.1.
 */
let env: TestbedEnv
let connection: AcmeConnection
let fakeChallengeServer: http.Server
const served = new Map<string, string>()
const run = Math.random().toString(36).slice(2, 8)
const domains = { ok: `ok-${run}.order.test`, unanswered: `none-${run}.order.test` }

const responder: ChallengeResponder = {
  put: async (token, keyAuthorization) => void served.set(token, keyAuthorization),
  remove: async (token) => void served.delete(token),
}

beforeAll(async () => {
  env = testbedEnv()
  connection = new AcmeConnection(env.pebbleDirectory, readFileSync(env.pebbleCaFile, 'utf8'))
  fakeChallengeServer = http.createServer((req, res) => {
    const token = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1]
    const answer = token ? served.get(token) : undefined
    if (answer === undefined) {
      res.writeHead(404).end('no such token')
      return
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(answer)
  })
  await new Promise<void>((resolve, reject) => {
    fakeChallengeServer.once('error', reject)
    fakeChallengeServer.listen(env.pebbleHttpPort, '127.0.0.2', resolve)
  })
  for (const domain of Object.values(domains)) await mapDomain(env, domain, '127.0.0.2')
})

afterAll(async () => {
  for (const domain of Object.values(domains)) await unmapDomain(env, domain).catch(() => undefined)
  await new Promise((resolve) => fakeChallengeServer?.close(resolve))
  connection?.dispose()
})

async function accountKey(): Promise<string> {
  return (await acme.crypto.createPrivateEcdsaKey('P-256')).toString()
}

describe('ordering a certificate from pebble over HTTP-01', () => {
  it('proves the challenge, finalizes and returns a chain to pebble root with the requested name', async () => {
    const steps: OrderStep[] = []
    const result = await orderCertificate({
      connection,
      domain: domains.ok,
      accountKeyPem: await accountKey(),
      email: 'ops@example.com',
      challenges: responder,
      signal: new AbortController().signal,
      step: (s) => steps.push(s),
      log: () => undefined,
    })
    expect(steps).toEqual(['account', 'order', 'challenge', 'validate', 'finalize'])
    expect(result.accountUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//)
    expect(served.size).toBe(0)

    const chain = result.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!
    const leaf = new X509Certificate(chain[0]!)
    expect(leaf.subjectName.toString()).toContain(domains.ok)
    const { root, intermediate } = await pebbleRoots(env)
    const issuer = new X509Certificate(intermediate)
    expect(leaf.issuer).toBe(issuer.subject)
    expect(await leaf.verify({ publicKey: issuer.publicKey, signatureOnly: true })).toBe(true)
    expect(await issuer.verify({ publicKey: new X509Certificate(root).publicKey, signatureOnly: true })).toBe(true)
    expect(result.keyPem).toContain('PRIVATE KEY')
  })

  it('fails with the CA’s own words when nothing serves the token, and leaves no token served', async () => {
    const silent: ChallengeResponder = { put: async () => undefined, remove: responder.remove }
    const failure = await orderCertificate({
      connection,
      domain: domains.unanswered,
      accountKeyPem: await accountKey(),
      email: null,
      challenges: silent,
      signal: new AbortController().signal,
      step: () => undefined,
      log: () => undefined,
    }).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(AcmeFailure)
    // pebble’s VA reports what it fetched: a 404 from the fake.
    expect((failure as Error).message).toMatch(/returned 404/)
  })

  it('stops at once when the job is canceled, removing the challenge it put', async () => {
    const controller = new AbortController()
    const puts: string[] = []
    const removes: string[] = []
    const cancelling: ChallengeResponder = {
      put: async (token) => {
        puts.push(token)
        controller.abort(new Error('Canceled'))
      },
      remove: async (token) => void removes.push(token),
    }
    const failure = await orderCertificate({
      connection,
      domain: domains.ok,
      accountKeyPem: await accountKey(),
      email: null,
      challenges: cancelling,
      signal: controller.signal,
      step: () => undefined,
      log: () => undefined,
    }).catch((err: unknown) => err)
    expect((failure as Error).message).toBe('Canceled')
    expect(removes).toEqual(puts)
    expect(puts).toHaveLength(1)
  })

  it('trusts the test CA for this connection only: without it, and for the rest of the process, pebble is untrusted', async () => {
    const untrusting = new AcmeConnection(env.pebbleDirectory, null)
    try {
      const failure = await orderCertificate({
        connection: untrusting,
        domain: domains.ok,
        accountKeyPem: await accountKey(),
        email: null,
        challenges: responder,
        signal: new AbortController().signal,
        step: () => undefined,
        log: () => undefined,
      }).catch((err: unknown) => err)
      expect(failure).toBeInstanceOf(AcmeFailure)
      expect((failure as Error).message).toMatch(/Could not reach the ACME server .*(certificate|issuer)/i)
    } finally {
      untrusting.dispose()
    }
    const plain = await fetch(env.pebbleDirectory).catch((err: unknown) => err)
    expect(plain).toBeInstanceOf(Error)
  })

  it('reuses a known account (sending a changed contact), and registers again when the CA forgot it', async () => {
    const key = await accountKey()
    const base = { connection, domain: domains.ok, accountKeyPem: key, challenges: responder, step: () => undefined }
    const lines: string[] = []
    const order = (account: { url: string; email: string | null } | null, email: string | null) =>
      orderCertificate({ ...base, account, email, signal: new AbortController().signal, log: (l) => lines.push(l) })

    const first = await order(null, 'ops@example.com')
    const again = await order({ url: first.accountUrl, email: 'ops@example.com' }, 'oncall@example.com')
    expect(again.accountUrl).toBe(first.accountUrl)

    const forgotten = `${new URL(env.pebbleDirectory).origin}/my-account/forgotten`
    const recovered = await order({ url: forgotten, email: null }, null)
    expect(recovered.accountUrl).toBe(first.accountUrl)
    expect(lines.join('\n')).toContain('registering again')
  })
})
