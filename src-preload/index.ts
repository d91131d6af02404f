import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { DesktopApi, RequestFunctions, StreamMessage } from './contract/api'
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
} from './contract/channels'

// One function per contract request: the renderer can reach nothing else in the main process.
const request = Object.fromEntries(
  REQUEST_METHODS.map((method) => [method, (input: unknown) => ipcRenderer.invoke(requestChannel(method), input)]),
) as unknown as RequestFunctions

const listeners = new Map<EventName, Set<(payload: unknown) => void>>()

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: EventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload)
})

const streamListeners = new Set<(id: number, message: StreamMessage) => void>()
ipcRenderer.on(STREAM_MESSAGE_CHANNEL, (_event: IpcRendererEvent, id: number, message: StreamMessage) => {
  for (const listener of streamListeners) listener(id, message)
})

const api: DesktopApi = {
  request,
  streams: {
    open(id, name, params) {
      if (!(STREAM_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown stream ${name}`)
      return ipcRenderer.invoke(STREAM_OPEN_CHANNEL, { id, stream: name, params })
    },
    close: (id) => ipcRenderer.send(STREAM_CONTROL_CHANNEL, { id, kind: 'close' }),
    input: (id, input) => ipcRenderer.send(STREAM_CONTROL_CHANNEL, { id, kind: 'input', payload: input }),
    ack: (id, count) => ipcRenderer.send(STREAM_CONTROL_CHANNEL, { id, kind: 'ack', payload: count }),
    onMessage(listener) {
      streamListeners.add(listener)
      return () => streamListeners.delete(listener)
    },
  },
  on(name, listener) {
    if (!(EVENT_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown event ${name}`)
    let set = listeners.get(name)
    if (!set) {
      listeners.set(name, (set = new Set()))
      ipcRenderer.send(SUBSCRIBE_CHANNEL, { name, subscribed: true })
    }
    const wrapped = listener as (payload: unknown) => void
    set.add(wrapped)
    return () => {
      set.delete(wrapped)
      if (set.size === 0) {
        listeners.delete(name)
        ipcRenderer.send(SUBSCRIBE_CHANNEL, { name, subscribed: false })
      }
    }
  },
}

contextBridge.exposeInMainWorld('api', api)
