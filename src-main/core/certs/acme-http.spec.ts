import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as acme from 'acme-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../../e2e/fixtures/free-port'
import { AcmeConnection } from './acme-http'
import { AcmeFailure, orderCertificate } from './acme-order'

/**
 * What pebble cannot show: a CA that rate-limits. A fake ACME CA on loopback (plain HTTP) answers newAccount with
 * 429 and Retry-After, as Let's Encrypt does; and a directory where nothing listens.
 */
let fakeRateLimitingCa: http.Server
let base: string
let accountPosts = 0

beforeAll(async () => {
  fakeRateLimitingCa = http.createServer((req, res) => {
    if (req.url === '/dir') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ newNonce: `${base}/nonce`, newAccount: `${base}/account`, newOrder: `${base}/order` }))
      return
    }
    if (req.url === '/nonce') {
      res.writeHead(200, { 'replay-nonce': `n${Math.random().toString(36).slice(2)}` }).end()
      return
    }
    req.resume()
    req.on('end', () => {
      accountPosts++
      res
        .writeHead(429, {
          'content-type': 'application/problem+json',
          'retry-after': '3600',
          'replay-nonce': `n${Math.random().toString(36).slice(2)}`,
        })
        .end(JSON.stringify({ type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many new accounts' }))
    })
  })
  await new Promise<void>((resolve) => fakeRateLimitingCa.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(fakeRateLimitingCa.address() as AddressInfo).port}`
})

afterAll(() => new Promise((resolve) => fakeRateLimitingCa.close(resolve)))

const order = async (directoryUrl: string) => {
  const connection = new AcmeConnection(directoryUrl, null)
  try {
    return await orderCertificate({
      connection,
      domain: 'app.example.com',
      accountKeyPem: (await acme.crypto.createPrivateEcdsaKey('P-256')).toString(),
      email: null,
      challenges: { put: async () => undefined, remove: async () => undefined },
      signal: new AbortController().signal,
      step: () => undefined,
      log: () => undefined,
    })
  } finally {
    connection.dispose()
  }
}

describe('the ACME connection', () => {
  it('keeps the CA’s words and its Retry-After, and asks once (acme-client’s own waiting retries are off)', async () => {
    accountPosts = 0
    const failure = await order(`${base}/dir`).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(AcmeFailure)
    expect((failure as AcmeFailure).message).toBe('too many new accounts')
    expect((failure as AcmeFailure).retryAfter).toBe('3600')
    expect(accountPosts).toBe(1)
  })

  it('fails at once, naming the cause, when nothing answers at the directory', async () => {
    const port = await freePort()
    const failure = await order(`http://127.0.0.1:${port}/dir`).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(AcmeFailure)
    expect((failure as AcmeFailure).message).toMatch(/ECONNREFUSED/)
  })

  it('leaves requests made outside an order alone', async () => {
    const answer = await acme.axios.get(`${base}/dir`)
    expect(answer.config.signal).toBeUndefined()
    expect((answer.config as { retryAttempt?: number }).retryAttempt).toBeUndefined()
  })
})
