import { describe, expect, it, vi } from 'vitest'
import { REQUEST_METHODS } from '../../../src-preload/contract/channels'
import { requests } from '../../../src-preload/contract/schemas'
import { createHandlers } from '../../bootstrap'
import { createLogger } from '../../infra/logging/logger'
import { Dispatcher, type Handlers, type StreamHandlers } from './dispatcher'
import { StreamChannel } from './stream-channel'

const silent = createLogger({ level: 'silent' })
const admin = { role: 'admin' as const, actor: 'test' }

function spyHandlers(): Handlers {
  return {
    'system.info': vi.fn(() => ({
      version: '1',
      uptimeSeconds: 0,
      dataDir: '/d',
      mode: 'headless' as const,
      hosts: [],
    })),
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
  } as Partial<Handlers> as Handlers
}

function spyStreams() {
  const inputs: unknown[] = []
  const close = vi.fn()
  const exec = vi.fn(() => ({ input: (i: unknown) => inputs.push(i), close }))
  const logs = vi.fn(() => ({ close }))
  return {
    handlers: { 'containers.exec': exec, 'containers.logs': logs } as unknown as StreamHandlers,
    exec,
    logs,
    inputs,
  }
}

describe('the contract', () => {
  it('gives every request exactly one schema and one handler', () => {
    const names = [...REQUEST_METHODS].sort()
    expect(new Set(REQUEST_METHODS).size).toBe(REQUEST_METHODS.length)
    expect(Object.keys(requests).sort()).toEqual(names)
    const none = {} as never
    const handlers = createHandlers({
      system: none,
      tokens: none,
      secrets: none,
      hosts: none,
      containers: none,
      images: none,
      volumes: none,
      networks: none,
      registries: none,
      jobs: none,
      projects: none,
      lifecycle: none,
      imports: none,
      deploys: none,
      builds: none,
      settings: none,
      notifications: none,
      routes: none,
      proxy: none,
      certs: none,
    })
    expect(Object.keys(handlers).sort()).toEqual(names)
  })
})

describe('Dispatcher', () => {
  it('answers malformed input with `validation` naming the field, without calling the core', async () => {
    const handlers = spyHandlers()
    const dispatcher = new Dispatcher(handlers, spyStreams().handlers, silent)
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
    const dispatcher = new Dispatcher(handlers, spyStreams().handlers, silent)
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
    const dispatcher = new Dispatcher(spyHandlers(), spyStreams().handlers, silent)
    const result = await dispatcher.call('tokens.create', { name: 'n', role: 'viewer' }, admin)
    expect(result.ok && result.value).not.toHaveProperty('secretHash')
  })

  it('turns unknown methods into not_found and unexpected errors into a bare internal error', async () => {
    const handlers = spyHandlers()
    handlers['system.info'] = () => {
      throw new Error('/secret/path stack detail')
    }
    const dispatcher = new Dispatcher(handlers, spyStreams().handlers, silent)
    expect(await dispatcher.call('nope', {}, admin)).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await dispatcher.call('system.info', {}, admin)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Internal error' },
    })
  })
})

describe('Dispatcher streams', () => {
  const target = { hostId: 'abcdefabcdef', containerId: 'web' }
  const sink = () => new StreamChannel<unknown>(() => undefined)

  it('parses stream params with defaults and refuses bad ones before the handler runs', async () => {
    const streams = spyStreams()
    const dispatcher = new Dispatcher(spyHandlers(), streams.handlers, silent)
    await dispatcher.openStream('containers.logs', target, admin, sink())
    expect(streams.logs).toHaveBeenCalledWith({ ...target, tail: 500, timestamps: false }, admin, expect.anything())
    await expect(
      dispatcher.openStream('containers.logs', { ...target, tail: -1 }, admin, sink()),
    ).rejects.toMatchObject({
      code: 'validation',
      field: 'tail',
    })
    await expect(
      dispatcher.openStream('containers.logs', { ...target, containerId: '-rf' }, admin, sink()),
    ).rejects.toMatchObject({
      field: 'containerId',
    })
    await expect(dispatcher.openStream('nope', {}, admin, sink())).rejects.toMatchObject({ code: 'not_found' })
    expect(streams.logs).toHaveBeenCalledTimes(1)
  })

  it('keeps terminals to admins and validates what is typed into them', async () => {
    const streams = spyStreams()
    const dispatcher = new Dispatcher(spyHandlers(), streams.handlers, silent)
    await expect(
      dispatcher.openStream('containers.exec', target, { role: 'deployer', actor: 't' }, sink()),
    ).rejects.toMatchObject({ code: 'forbidden' })
    expect(streams.exec).not.toHaveBeenCalled()
    const control = await dispatcher.openStream('containers.exec', target, admin, sink())
    control.input!({ type: 'data', data: 'ls\r' })
    expect(() => control.input!({ type: 'resize', cols: 0, rows: 10 })).toThrowError(
      expect.objectContaining({ code: 'validation' }),
    )
    expect(streams.inputs).toEqual([{ type: 'data', data: 'ls\r' }])
  })
})
