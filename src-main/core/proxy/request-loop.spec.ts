import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRequestLoop, type LoopResult } from '../../../e2e/fixtures/request-loop'

/** The request loop the proxy, deploy and benchmark specs count failures with, against a plain node:http server. */
let server: http.Server
let port: number
let mode: 'ok' | 'error' = 'ok'
const hosts: string[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hosts.push(req.headers.host ?? '')
    if (mode === 'error') res.writeHead(502).end('bad gateway\n')
    else res.writeHead(200).end(`  hello ${req.url}\n`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

/** Waits until the loop's counts satisfy `done` (bounded by maxRequests), then stops it. */
async function runUntil(
  loop: ReturnType<typeof startRequestLoop>,
  done: (r: LoopResult) => boolean,
): Promise<LoopResult> {
  while (!done(loop.snapshot())) await new Promise((resolve) => setTimeout(resolve, 10))
  return loop.stop()
}

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('startRequestLoop', () => {
  it('sends up to maxRequests with the Host header and counts trimmed bodies and statuses', async () => {
    mode = 'ok'
    hosts.length = 0
    const loop = startRequestLoop({ port, host: 'app.example.com', path: '/x', maxRequests: 40, concurrency: 3 })
    const result = await runUntil(loop, (r) => r.ok >= 40)
    expect(result).toMatchObject({ ok: 40, failed: 0, errors: [] })
    expect(result.bodies).toEqual(new Map([['hello /x', 40]]))
    expect(result.statuses).toEqual(new Map([[200, 40]]))
    expect(result.latenciesMs).toHaveLength(40)
    expect(new Set(hosts)).toEqual(new Set(['app.example.com']))
  })

  it('counts a status of 500 or more as a failure, with the reason', async () => {
    mode = 'error'
    const loop = startRequestLoop({ port, host: 'a.example.com', maxRequests: 5, concurrency: 1 })
    const result = await runUntil(loop, (r) => r.failed >= 5)
    mode = 'ok'
    expect(result.failed).toBe(5)
    expect(result.ok).toBe(0)
    expect(result.errors[0]).toBe('HTTP 502: bad gateway')
  })

  it('counts a refused connection as a failure', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadPort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const loop = startRequestLoop({ port: deadPort, host: 'a.example.com', maxRequests: 3, concurrency: 1 })
    const result = await runUntil(loop, (r) => r.failed >= 3)
    expect(result.failed).toBe(3)
    expect(result.errors[0]).toMatch(/ECONNREFUSED/)
  })

  /** A raw server: `drop(n)` says whether the n-th request on a connection (from 1) is closed unanswered. */
  async function rawServer(drop: (nth: number) => boolean) {
    const raw = net.createServer((socket) => {
      let nth = 0
      socket.on('data', (chunk) => {
        for (const _ of chunk.toString().matchAll(/\r\n\r\n/g)) {
          nth++
          if (drop(nth)) socket.end()
          else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n')
        }
      })
      socket.on('error', () => undefined)
    })
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
    return { port: (raw.address() as AddressInfo).port, close: () => new Promise((r) => raw.close(r)) }
  }

  it('retries once, on a new connection, a request a proven keep-alive connection closed unanswered', async () => {
    const raw = await rawServer((nth) => nth === 2)
    const loop = startRequestLoop({ port: raw.port, host: 'a.example.com', maxRequests: 6, concurrency: 2 })
    const result = await runUntil(loop, (r) => r.ok + r.failed >= 6)
    await raw.close()
    expect(result).toMatchObject({ ok: 6, failed: 0 })
  })

  it('never retries a request that a new connection closed unanswered', async () => {
    const raw = await rawServer(() => true)
    const loop = startRequestLoop({ port: raw.port, host: 'a.example.com', maxRequests: 3, concurrency: 1 })
    const result = await runUntil(loop, (r) => r.failed >= 3)
    await raw.close()
    expect(result.failed).toBe(3)
    expect(result.errors[0]).toMatch(/on a new connection/)
  })

  it('refuses any address but loopback', () => {
    expect(() => startRequestLoop({ port, host: 'a.example.com', address: '10.0.0.1' })).toThrow(/loopback/)
    expect(() => startRequestLoop({ port, host: 'a.example.com', address: 'example.com' })).toThrow(/loopback/)
  })
})
