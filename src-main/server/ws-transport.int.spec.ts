import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startServe, type ServeProcess } from '../../e2e/fixtures/serve-process'

let serve: ServeProcess
const wsUrl = () => serve.url.replace('http', 'ws') + '/v1/ws'

interface Client {
  ws: WebSocket
  messages: Record<string, unknown>[]
  next(predicate: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  closed: Promise<{ code: number; reason: string }>
}

async function connect(headers: Record<string, string> = {}): Promise<Client> {
  const ws = new WebSocket(wsUrl(), { headers })
  const messages: Record<string, unknown>[] = []
  const waiters: [(m: Record<string, unknown>) => boolean, (m: Record<string, unknown>) => void][] = []
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>
    messages.push(message)
    for (const [i, [predicate, resolve]] of [...waiters.entries()].reverse()) {
      if (predicate(message)) {
        waiters.splice(i, 1)
        resolve(message)
      }
    }
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return {
    ws,
    messages,
    closed,
    next: (predicate) =>
      new Promise((resolve) => {
        const found = messages.find(predicate)
        if (found) resolve(found)
        else waiters.push([predicate, resolve])
      }),
  }
}

async function authed(token = serve.adminToken): Promise<Client> {
  const client = await connect()
  client.ws.send(JSON.stringify({ type: 'auth', token }))
  await client.next((m) => m.type === 'auth_ok')
  return client
}

beforeAll(async () => {
  serve = await startServe()
})
afterAll(async () => {
  await serve?.stop()
})

describe('WebSocket transport', () => {
  it('runs contract requests after authenticating with the first message', async () => {
    const client = await authed()
    client.ws.send(JSON.stringify({ type: 'request', id: 7, method: 'system.info', input: {} }))
    expect(await client.next((m) => m.id === 7)).toMatchObject({
      type: 'response',
      result: { ok: true, value: { mode: 'headless' } },
    })
    client.ws.send(
      JSON.stringify({ type: 'request', id: 8, method: 'tokens.create', input: { name: 'x', role: 'root' } }),
    )
    expect(await client.next((m) => m.id === 8)).toMatchObject({
      result: { ok: false, error: { code: 'validation', field: 'role' } },
    })
    client.ws.close()
  })

  it('closes with 4401 for a wrong token or a request before authenticating', async () => {
    const wrong = await connect()
    wrong.ws.send(JSON.stringify({ type: 'auth', token: 'gdt_nope' }))
    expect((await wrong.closed).code).toBe(4401)
    const early = await connect()
    early.ws.send(JSON.stringify({ type: 'request', id: 1, method: 'system.info', input: {} }))
    expect((await early.closed).code).toBe(4401)
  })

  it('refuses a handshake from another origin or for another Host', async () => {
    await expect(connect({ Origin: 'https://evil.example' })).rejects.toThrow(/403/)
    await expect(connect({ Host: 'evil.example' })).rejects.toThrow(/421/)
  })

  it('pushes events to subscribers whose role may see them, and cuts a socket whose token is revoked', async () => {
    const admin = await authed()
    admin.ws.send(JSON.stringify({ type: 'subscribe', event: 'tokens.changed' }))
    const created = (await (
      await fetch(`${serve.url}/v1/tokens`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${serve.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'short-lived', role: 'viewer' }),
      })
    ).json()) as { id: string; token: string }
    expect(await admin.next((m) => m.type === 'event')).toEqual({ type: 'event', event: 'tokens.changed', payload: {} })

    const viewer = await authed(created.token)
    viewer.ws.send(JSON.stringify({ type: 'subscribe', event: 'tokens.changed' }))
    expect(await viewer.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'forbidden' } })

    await fetch(`${serve.url}/v1/tokens/${created.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${serve.adminToken}` },
    })
    expect(await viewer.closed).toEqual({ code: 4401, reason: 'The token was revoked' })
    admin.ws.close()
  })
})
