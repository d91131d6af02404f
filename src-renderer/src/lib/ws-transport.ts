import type { EventName, RequestMethod } from '../../../src-preload/contract/channels'
import type { Envelope } from '../../../src-preload/contract/errors'
import { WS_CLOSE_UNAUTHORIZED, WS_PATH } from '../../../src-preload/contract/ws-constants'
import type { ServerMessage } from '../../../src-preload/contract/ws-protocol'
import type { ConnectionState, StreamHandlers, Transport } from './transport'

const MAX_BACKOFF_MS = 10_000

/**
 * In a browser against `serve`: one WebSocket that authenticates with its first message, resends
 * subscriptions after every reconnect, and fails pending requests when the link drops.
 */
export function createWsTransport(token: string, url = defaultUrl()): Transport {
  let socket: WebSocket | null = null
  let state: ConnectionState = 'connecting'
  let attempt = 0
  let nextId = 1
  let closed = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  const pending = new Map<number, (result: Envelope<unknown>) => void>()
  const streams = new Map<number, StreamHandlers>()
  let nextStreamId = 1
  const queued: string[] = []
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const stateListeners = new Set<(state: ConnectionState, detail?: string) => void>()

  const setState = (next: ConnectionState, detail?: string): void => {
    state = next
    for (const listener of stateListeners) listener(next, detail)
  }

  /** Sends only on an open socket: a closing one (signed out, link lost) would log an error per message. */
  const transmit = (text: string): boolean => {
    if (!socket || state !== 'connected' || socket.readyState !== WebSocket.OPEN) return false
    socket.send(text)
    return true
  }
  const sendNow = (text: string): void => {
    if (!transmit(text) && !closed) queued.push(text)
  }

  function connect(): void {
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }))
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as ServerMessage
      switch (message.type) {
        case 'auth_ok':
          attempt = 0
          setState('connected', message.tokenName)
          for (const name of listeners.keys()) ws.send(JSON.stringify({ type: 'subscribe', event: name }))
          for (const text of queued.splice(0)) ws.send(text)
          return
        case 'auth_error':
          setState('unauthorized', message.error.message)
          return
        case 'response':
          pending.get(message.id)?.(message.result)
          pending.delete(message.id)
          return
        case 'event':
          for (const listener of listeners.get(message.event as EventName) ?? []) listener(message.payload)
          return
        case 'stream.data':
          streams.get(message.id)?.onData(message.data)
          return
        case 'stream.end': {
          const handlers = streams.get(message.id)
          streams.delete(message.id)
          handlers?.onEnd(message.error)
          return
        }
        case 'error':
          console.warn('glinrdock: server reported', message.error.code, message.error.message)
          return
      }
    }
    ws.onclose = (event) => {
      socket = null
      for (const resolve of pending.values()) {
        resolve({ ok: false, error: { code: 'internal', message: 'Connection to glinrdock lost' } })
      }
      pending.clear()
      // The server closed every stream with the socket; their owners decide whether to reopen.
      for (const handlers of streams.values()) {
        handlers.onEnd({ code: 'internal', message: 'Connection to glinrdock lost' })
      }
      streams.clear()
      if (closed) return
      if (event.code === WS_CLOSE_UNAUTHORIZED) {
        setState('unauthorized', event.reason || 'The token was refused')
        return
      }
      // Exponential backoff with jitter so many tabs do not hammer a restarting server in step.
      const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt) * (0.5 + Math.random() / 2)
      attempt++
      setState('reconnecting')
      retryTimer = setTimeout(connect, delay)
    }
  }
  connect()

  return {
    kind: 'websocket',
    request(method: RequestMethod, input: unknown) {
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve)
        sendNow(JSON.stringify({ type: 'request', id, method, input }))
      })
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) {
        listeners.set(event, (set = new Set()))
        transmit(JSON.stringify({ type: 'subscribe', event }))
      }
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0) {
          listeners.delete(event)
          transmit(JSON.stringify({ type: 'unsubscribe', event }))
        }
      }
    },
    openStream(name, params, handlers) {
      const id = nextStreamId++
      streams.set(id, handlers)
      sendNow(JSON.stringify({ type: 'stream.open', id, stream: name, params }))
      return {
        input: (input) => {
          if (streams.has(id)) transmit(JSON.stringify({ type: 'stream.input', id, input }))
        },
        ack: (count) => {
          if (streams.has(id)) transmit(JSON.stringify({ type: 'stream.ack', id, count }))
        },
        close: () => {
          if (streams.has(id)) transmit(JSON.stringify({ type: 'stream.close', id }))
          streams.delete(id)
        },
      }
    },
    onState(listener) {
      stateListeners.add(listener)
      listener(state)
      return () => stateListeners.delete(listener)
    },
    close() {
      closed = true
      clearTimeout(retryTimer)
      socket?.close()
    },
  }
}

function defaultUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${WS_PATH}`
}
