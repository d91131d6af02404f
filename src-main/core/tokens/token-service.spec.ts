import { describe, expect, it } from 'vitest'
import { bundledMigrations } from '../../infra/sqlite/bundled-migrations'
import { openDatabase } from '../../infra/sqlite/open-database'
import { EventBus } from '../events/event-bus'
import { hashSecret, parseToken } from './token-secret'
import { TokenService } from './token-service'
import { TokenStore } from './token-store'

function setup(now = () => new Date('2026-01-01T00:00:00Z')) {
  const db = openDatabase(':memory:', { migrations: bundledMigrations })
  const events = new EventBus()
  const changes: unknown[] = []
  events.on('tokens.changed', (p) => changes.push(p))
  return { db, service: new TokenService(new TokenStore(db), events, now), changes }
}

describe('TokenService', () => {
  it('creates a token whose secret authenticates, and stores only its SHA-256', () => {
    const { db, service, changes } = setup()
    const created = service.create({ name: 'ci', role: 'deployer' })
    expect(created.token).toMatch(/^gdt_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/)
    expect(service.authenticate(created.token)).toEqual({ id: created.id, name: 'ci', role: 'deployer' })
    const row = db.prepare('SELECT * FROM api_tokens').get() as Record<string, unknown>
    expect(JSON.stringify(row)).not.toContain(parseToken(created.token)!.secret)
    expect((row.secret_hash as Buffer).equals(hashSecret(parseToken(created.token)!.secret))).toBe(true)
    expect(changes).toHaveLength(1)
  })

  it('rejects malformed, unknown and altered tokens', () => {
    const { service } = setup()
    const { token, id } = service.create({ name: 'a', role: 'admin' })
    expect(service.authenticate('')).toBeNull()
    expect(service.authenticate('Bearer ' + token)).toBeNull()
    expect(service.authenticate(token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a'))).toBeNull()
    expect(service.authenticate(token.replace(id, 'zzzzzzzzzzzz'))).toBeNull()
  })

  it('lists without secrets and revokes so the token stops working', () => {
    const { service, changes } = setup()
    const { token, id } = service.create({ name: 'temp', role: 'viewer' })
    expect(service.list()).toEqual([
      { id, name: 'temp', role: 'viewer', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null },
    ])
    service.revoke(id)
    expect(service.authenticate(token)).toBeNull()
    expect(service.list()).toEqual([])
    expect(changes).toHaveLength(2)
    expect(() => service.revoke(id)).toThrowError(expect.objectContaining({ code: 'not_found' }))
  })

  it('records last use at most once a minute', () => {
    let clock = new Date('2026-01-01T00:00:00Z').getTime()
    const { service } = setup(() => new Date(clock))
    const { token, id } = service.create({ name: 'a', role: 'viewer' })
    service.authenticate(token)
    const first = service.list().find((t) => t.id === id)!.lastUsedAt
    clock += 30_000
    service.authenticate(token)
    expect(service.list()[0]!.lastUsedAt).toBe(first)
    clock += 31_000
    service.authenticate(token)
    expect(service.list()[0]!.lastUsedAt).toBe(new Date(clock).toISOString())
  })
})
