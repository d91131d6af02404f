import { EventEmitter } from 'node:events'
import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import {
  EVENT_CHANNEL,
  REQUEST_METHODS,
  requestChannel,
  STREAM_CONTROL_CHANNEL,
  STREAM_MESSAGE_CHANNEL,
  STREAM_OPEN_CHANNEL,
  SUBSCRIBE_CHANNEL,
} from '../../src-preload/contract/channels'
import { EventBus } from '../core/events/event-bus'
import { Dispatcher, type Handlers, type StreamHandlers } from '../core/rpc/dispatcher'
import type { StreamSink } from '../core/rpc/stream-channel'
import { createLogger } from '../infra/logging/logger'
import { createSenderCheck, registerIpcAdapter, type IpcMainLike } from './ipc-adapter'

const APP_URL = 'file:///opt/glinrdock/out/renderer/index.html'

/** FAKES of Electron's ipcMain, WebContents and frames: Electron itself cannot run on this machine. */
class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>()
  listeners = new Map<string, (event: IpcMainEvent, ...args: unknown[]) => void>()
  handle(channel: string, fn: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, fn)
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel)
  }
  on(channel: string, fn: (event: IpcMainEvent, ...args: unknown[]) => void) {
    this.listeners.set(channel, fn)
  }
  removeListener(channel: string) {
    this.listeners.delete(channel)
  }
}

function fakeContents(url = APP_URL) {
  const contents = Object.assign(new EventEmitter(), {
    mainFrame: { url, parent: null } as { url: string; parent: unknown },
    send: vi.fn(),
    isDestroyed: () => false,
  })
  return contents as unknown as WebContents & {
    send: ReturnType<typeof vi.fn>
    mainFrame: { url: string; parent: unknown }
  }
}

const eventFrom = (sender: WebContents, frame: unknown) => ({ sender, senderFrame: frame }) as IpcMainInvokeEvent

function setup() {
  const ipcMain = new FakeIpcMain()
  const events = new EventBus()
  const info = vi.fn(() => ({ version: '9', uptimeSeconds: 1, dataDir: '/d', mode: 'desktop' as const, hosts: [] }))
  const handlers = { 'system.info': info } as unknown as Handlers
  const streamHandlers = {
    'containers.stats': (_params: unknown, _ctx: unknown, sink: StreamSink<unknown>) => {
      sink.data({ cpuPercent: 1 })
      return { close: () => sink.end() }
    },
  } as unknown as StreamHandlers
  const dispatcher = new Dispatcher(handlers, streamHandlers, createLogger({ level: 'silent' }))
  const trusted = fakeContents()
  const isTrustedSender = createSenderCheck(
    () => [trusted],
    (url) => url.split('#')[0] === APP_URL,
  )
  const dispose = registerIpcAdapter({ ipcMain, dispatcher, events, isTrustedSender })
  return { ipcMain, events, info, trusted, dispose }
}

describe('IPC adapter', () => {
  it('registers exactly one handler per contract request', () => {
    const { ipcMain, dispose } = setup()
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      [...REQUEST_METHODS.map(requestChannel), STREAM_OPEN_CHANNEL].sort(),
    )
    dispose()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('answers the app window with an envelope from the core', async () => {
    const { ipcMain, trusted } = setup()
    const invoke = ipcMain.handlers.get(requestChannel('system.info'))!
    await expect(invoke(eventFrom(trusted, trusted.mainFrame), {})).resolves.toEqual({
      ok: true,
      value: { version: '9', uptimeSeconds: 1, dataDir: '/d', mode: 'desktop', hosts: [] },
    })
  })

  it('refuses a sender that is not the top frame of our own page, without reaching the core', async () => {
    const { ipcMain, trusted, info } = setup()
    const invoke = ipcMain.handlers.get(requestChannel('system.info'))!
    const iframe = { url: APP_URL, parent: trusted.mainFrame }
    const stranger = fakeContents()
    const navigatedAway = fakeContents('https://evil.example/')
    const cases = [
      eventFrom(trusted, iframe),
      eventFrom(stranger, stranger.mainFrame),
      eventFrom(trusted, null),
      eventFrom(navigatedAway, navigatedAway.mainFrame),
    ]
    trusted.mainFrame.url = APP_URL
    for (const event of cases) {
      expect(await invoke(event, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
    trusted.mainFrame.url = 'https://evil.example/'
    expect(await invoke(eventFrom(trusted, trusted.mainFrame), {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(info).not.toHaveBeenCalled()
  })

  it('forwards only the events a trusted renderer subscribed to', () => {
    const { ipcMain, events, trusted } = setup()
    const subscribe = ipcMain.listeners.get(SUBSCRIBE_CHANNEL)!
    const stranger = fakeContents()
    subscribe(eventFrom(stranger, stranger.mainFrame) as unknown as IpcMainEvent, {
      name: 'tokens.changed',
      subscribed: true,
    })
    subscribe(eventFrom(trusted, trusted.mainFrame) as unknown as IpcMainEvent, {
      name: 'no.such.event',
      subscribed: true,
    })
    events.emit('tokens.changed', {})
    expect(trusted.send).not.toHaveBeenCalled()
    expect(stranger.send).not.toHaveBeenCalled()

    subscribe(eventFrom(trusted, trusted.mainFrame) as unknown as IpcMainEvent, {
      name: 'tokens.changed',
      subscribed: true,
    })
    events.emit('tokens.changed', {})
    events.emit('secrets.changed', { backend: 'b', secure: true, consentRequired: false, consented: true })
    expect(trusted.send).toHaveBeenCalledTimes(1)
    expect(trusted.send).toHaveBeenCalledWith(EVENT_CHANNEL, 'tokens.changed', {})

    subscribe(eventFrom(trusted, trusted.mainFrame) as unknown as IpcMainEvent, {
      name: 'tokens.changed',
      subscribed: false,
    })
    events.emit('tokens.changed', {})
    expect(trusted.send).toHaveBeenCalledTimes(1)
  })
})

describe('IPC adapter streams', () => {
  it('opens a stream for the trusted window under its own id, delivers data and closes it', async () => {
    const { ipcMain, trusted } = setup()
    const open = ipcMain.handlers.get(STREAM_OPEN_CHANNEL)!
    const params = { hostId: 'abcdefabcdef', containerId: 'web' }
    expect(await open(eventFrom(trusted, trusted.mainFrame), { id: 3, stream: 'containers.stats', params })).toEqual({
      ok: true,
      value: {},
    })
    await new Promise((r) => setTimeout(r, 0))
    expect(trusted.send).toHaveBeenCalledWith(STREAM_MESSAGE_CHANNEL, 3, { kind: 'data', data: { cpuPercent: 1 } })
    const control = ipcMain.listeners.get(STREAM_CONTROL_CHANNEL)!
    control(eventFrom(trusted, trusted.mainFrame) as unknown as IpcMainEvent, { id: 3, kind: 'close' })
    expect(trusted.send).toHaveBeenLastCalledWith(STREAM_MESSAGE_CHANNEL, 3, { kind: 'end' })
  })

  it('refuses streams from untrusted frames and unknown stream names', async () => {
    const { ipcMain, trusted } = setup()
    const open = ipcMain.handlers.get(STREAM_OPEN_CHANNEL)!
    const stranger = fakeContents()
    const params = { hostId: 'abcdefabcdef', containerId: 'web' }
    expect(
      await open(eventFrom(stranger, stranger.mainFrame), { id: 1, stream: 'containers.stats', params }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(await open(eventFrom(trusted, trusted.mainFrame), { id: 1, stream: 'shell', params })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    })
    expect(stranger.send).not.toHaveBeenCalled()
  })
})
