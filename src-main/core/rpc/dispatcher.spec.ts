import { describe, expect, it, vi } from 'vitest'
import { REQUEST_METHODS } from '../../../src-preload/contract/channels'
import { requests } from '../../../src-preload/contract/schemas'
import { createHandlers } from '../../bootstrap'
import { createLogger } from '../../infra/logging/logger'
import { Dispatcher, type Handlers } from './dispatcher'

const silent = createLogger({ level: 'silent' })
const admin = { role: 'admin' as const, actor: 'test' }

function spyHandlers(): Handlers {
  return {
    'system.info': vi.fn(() => ({ version: '1', uptimeSeconds: 0, dataDir: '/d', mode: 'headless' as const })),
    'tokens.list': vi.fn(() => []),
    'tokens.create': vi.fn((input) => ({
      id: 'x',
      ...input,
      createdAt: 'now',
      lastUsedAt: null,
      token: 't',
      secretHash: 'leak',
    })),
    'tokens.revoke': vi.fn(() => ({})),
    'secrets.status': vi.fn(() => ({ backend: 'b', secure: true, consentRequired: false, consented: true })),
    'secrets.consent': vi.fn(() => ({ backend: 'b', secure: true, consentRequired: false, consented: true })),
  }
}

describe('the contract', () => {
  it('gives every request exactly one schema and one handler', () => {
    const names = [...REQUEST_METHODS].sort()
    expect(new Set(REQUEST_METHODS).size).toBe(REQUEST_METHODS.length)
    expect(Object.keys(requests).sort()).toEqual(names)
    const handlers = createHandlers({ system: {} as never, tokens: {} as never, secrets: {} as never })
    expect(Object.keys(handlers).sort()).toEqual(names)
  })
})

describe('Dispatcher', () => {
  it('answers malformed input with `validation` naming the field, without calling the core', async () => {
    const handlers = spyHandlers()
    const dispatcher = new Dispatcher(handlers, silent)
    const result = await dispatcher.call('tokens.create', { name: 'ok', role: 'superuser' }, admin)
    expect(result).toEqual({
      ok: false,
      error: { code: 'validation', field: 'role', message: expect.stringContaining('role') },
    })
    const nested = await dispatcher.call('tokens.create', { name: '', role: 'viewer' }, admin)
    expect(nested).toMatchObject({ ok: false, error: { code: 'validation', field: 'name' } })
    const extra = await dispatcher.call('tokens.revoke', { id: 'abcdefabcdef', drop: 'table' }, admin)
    expect(extra).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect(handlers['tokens.create']).not.toHaveBeenCalled()
    expect(handlers['tokens.revoke']).not.toHaveBeenCalled()
  })

  it('refuses callers whose role lacks the permission, before parsing', async () => {
    const handlers = spyHandlers()
    const dispatcher = new Dispatcher(handlers, silent)
    const asViewer = await dispatcher.call(
      'tokens.create',
      { name: 'x', role: 'admin' },
      { role: 'viewer', actor: 't' },
    )
    expect(asViewer).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const asDeployer = await dispatcher.call('tokens.list', {}, { role: 'deployer', actor: 't' })
    expect(asDeployer).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await dispatcher.call('system.info', {}, { role: 'viewer', actor: 't' })).toMatchObject({ ok: true })
    expect(handlers['tokens.create']).not.toHaveBeenCalled()
  })

  it('strips fields the output schema does not declare', async () => {
    const dispatcher = new Dispatcher(spyHandlers(), silent)
    const result = await dispatcher.call('tokens.create', { name: 'n', role: 'viewer' }, admin)
    expect(result.ok && result.value).not.toHaveProperty('secretHash')
  })

  it('turns unknown methods into not_found and unexpected errors into a bare internal error', async () => {
    const handlers = spyHandlers()
    handlers['system.info'] = () => {
      throw new Error('/secret/path stack detail')
    }
    const dispatcher = new Dispatcher(handlers, silent)
    expect(await dispatcher.call('nope', {}, admin)).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await dispatcher.call('system.info', {}, admin)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Internal error' },
    })
  })
})
