import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron'
import {
  EVENT_CHANNEL,
  EVENT_NAMES,
  REQUEST_METHODS,
  requestChannel,
  STREAM_CONTROL_CHANNEL,
  STREAM_MESSAGE_CHANNEL,
  STREAM_NAMES,
  STREAM_OPEN_CHANNEL,
  SUBSCRIBE_CHANNEL,
  type EventName,
} from '../../src-preload/contract/channels'
import type { Envelope } from '../../src-preload/contract/errors'
import type { EventBus } from '../core/events/event-bus'
import type { CallContext, Dispatcher } from '../core/rpc/dispatcher'
import { StreamRegistry } from '../core/rpc/stream-registry'

/** The part of Electron's ipcMain the adapter uses; tests pass a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
  on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): void
  removeListener(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): void
}

export type SenderCheck = (event: IpcMainInvokeEvent | IpcMainEvent) => boolean

/**
 * Accepts only the top frame of one of our own windows, showing our own page. Anything else (an
 * iframe, a navigated-away window, another webContents) could be hostile content.
 */
export function createSenderCheck(
  trustedContents: () => WebContents[],
  isAppUrl: (url: string) => boolean,
): SenderCheck {
  return (event) => {
    const frame = event.senderFrame
    if (!frame || frame.parent !== null) return false
    if (!trustedContents().some((contents) => contents === event.sender && contents.mainFrame === frame)) return false
    return isAppUrl(frame.url)
  }
}

const DESKTOP_CALLER: CallContext = { role: 'admin', actor: 'desktop' }
const KNOWN_EVENTS = new Set<string>(EVENT_NAMES)
const KNOWN_STREAMS = new Set<string>(STREAM_NAMES)
const isStreamId = (id: unknown): id is number => typeof id === 'number' && Number.isInteger(id) && id >= 0

/**
 * The only place that touches ipcMain: checks the sender, hands the raw input to the dispatcher
 * (which parses it with the contract's schema), and answers with an envelope, because Electron
 * keeps only `message` of a thrown error.
 */
export function registerIpcAdapter(deps: {
  ipcMain: IpcMainLike
  dispatcher: Dispatcher
  events: EventBus
  isTrustedSender: SenderCheck
}): () => void {
  const { ipcMain, dispatcher, events, isTrustedSender } = deps
  const forbidden: Envelope<never> = {
    ok: false,
    error: { code: 'forbidden', message: 'IPC from an untrusted frame was refused' },
  }

  for (const method of REQUEST_METHODS) {
    ipcMain.handle(requestChannel(method), (event, input) =>
      isTrustedSender(event) ? dispatcher.call(method, input, DESKTOP_CALLER) : forbidden,
    )
  }

  const subscribers = new Map<WebContents, Set<EventName>>()
  const onSubscribe = (event: IpcMainEvent, message: unknown): void => {
    if (!isTrustedSender(event)) return
    const { name, subscribed } = (message ?? {}) as { name?: unknown; subscribed?: unknown }
    if (typeof name !== 'string' || !KNOWN_EVENTS.has(name) || typeof subscribed !== 'boolean') return
    const contents = event.sender
    let set = subscribers.get(contents)
    if (!set) {
      subscribers.set(contents, (set = new Set()))
      contents.once('destroyed', () => subscribers.delete(contents))
    }
    if (subscribed) set.add(name as EventName)
    else set.delete(name as EventName)
  }
  ipcMain.on(SUBSCRIBE_CHANNEL, onSubscribe)

  const registries = new Map<WebContents, StreamRegistry>()
  const registryFor = (contents: WebContents): StreamRegistry => {
    let registry = registries.get(contents)
    if (!registry) {
      registry = new StreamRegistry(dispatcher, (id, message) => {
        if (!contents.isDestroyed()) contents.send(STREAM_MESSAGE_CHANNEL, id, message)
      })
      registries.set(contents, registry)
      // A reload or a closed window must not leave log followers and terminals running.
      const drop = (): void => {
        registries.get(contents)?.closeAll()
        registries.delete(contents)
      }
      contents.once('destroyed', drop)
      contents.on('did-start-navigation', (details: { isMainFrame?: boolean; isSameDocument?: boolean }) => {
        if (details?.isMainFrame && !details.isSameDocument) drop()
      })
    }
    return registry
  }
  ipcMain.handle(STREAM_OPEN_CHANNEL, (event, request) => {
    if (!isTrustedSender(event)) return forbidden
    const { id, stream, params } = (request ?? {}) as { id?: unknown; stream?: unknown; params?: unknown }
    if (!isStreamId(id) || typeof stream !== 'string' || !KNOWN_STREAMS.has(stream)) {
      return { ok: false, error: { code: 'validation', message: 'Malformed stream request' } }
    }
    void registryFor(event.sender).start(id, stream, params, DESKTOP_CALLER)
    return { ok: true, value: {} }
  })
  const onStreamControl = (event: IpcMainEvent, message: unknown): void => {
    if (!isTrustedSender(event)) return
    const { id, kind, payload } = (message ?? {}) as { id?: unknown; kind?: unknown; payload?: unknown }
    const registry = registries.get(event.sender)
    if (!registry || !isStreamId(id)) return
    if (kind === 'close') registry.close(id)
    else if (kind === 'ack' && typeof payload === 'number') registry.ack(id, payload)
    else if (kind === 'input') {
      try {
        registry.input(id, payload)
      } catch {
        // Invalid terminal input is dropped; the schema already refused it.
      }
    }
  }
  ipcMain.on(STREAM_CONTROL_CHANNEL, onStreamControl)

  const stopForwarding = events.onAny((name, payload) => {
    for (const [contents, names] of subscribers) {
      if (names.has(name) && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload)
    }
  })

  return () => {
    for (const method of REQUEST_METHODS) ipcMain.removeHandler(requestChannel(method))
    ipcMain.removeListener(SUBSCRIBE_CHANNEL, onSubscribe)
    ipcMain.removeHandler(STREAM_OPEN_CHANNEL)
    ipcMain.removeListener(STREAM_CONTROL_CHANNEL, onStreamControl)
    for (const registry of registries.values()) registry.closeAll()
    registries.clear()
    stopForwarding()
    subscribers.clear()
  }
}
