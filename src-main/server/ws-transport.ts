import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import type { EventName } from '../../src-preload/contract/channels'
import { events as eventSpecs, roleAllows } from '../../src-preload/contract/schemas'
import {
  ClientMessage,
  WS_CLOSE_PROTOCOL,
  WS_CLOSE_SLOW_CONSUMER,
  WS_CLOSE_TOO_MANY,
  WS_CLOSE_UNAUTHORIZED,
  WS_PATH,
  type ServerMessage,
} from '../../src-preload/contract/ws-protocol'
import type { Core } from '../bootstrap'
import { StreamRegistry } from '../core/rpc/stream-registry'
import { toErrorBody } from '../core/shared/app-error'
import type { AuthenticatedToken } from '../core/tokens'
import type { Logger } from '../infra/logging/logger'
import { sendError } from './http-errors'
import { sameOrigin } from './request-guards'
import { TokenBucket } from './token-bucket'

export const WS_MAX_MESSAGE_BYTES = 1024 * 1024

export interface WebSocketLimits {
  /** Bytes queued for one socket before it counts as not reading and is cut. */
  maxBufferedBytes: number
  maxStreamsPerSocket: number
  maxSocketsPerToken: number
  /** Sockets open but not yet authenticated, across all clients. */
  maxPendingSockets: number
  /** Messages (other than acknowledgements) per second, sustained, and the burst allowed above it. */
  messagesPerSecond: number
  messageBurst: number
  authTimeoutMs: number
}

export const DEFAULT_WS_LIMITS: WebSocketLimits = {
  maxBufferedBytes: 8 * 1024 * 1024,
  maxStreamsPerSocket: 32,
  maxSocketsPerToken: 16,
  maxPendingSockets: 64,
  messagesPerSecond: 200,
  messageBurst: 400,
  authTimeoutMs: 10_000,
}

interface Options {
  core: Core
  logger: Logger
  limits?: Partial<WebSocketLimits>
}

/** The browser renderer's transport: the same dispatcher and events as Electron IPC, over one socket. */
export function registerWebSocket(app: FastifyInstance, options: Options): void {
  const { core } = options
  const limits = { ...DEFAULT_WS_LIMITS, ...options.limits }
  const log = options.logger.child({ scope: 'ws' })
  const socketsPerToken = new Map<string, number>()
  let pendingSockets = 0

  app.get(
    WS_PATH,
    {
      websocket: true,
      // The Host guard already ran for every request; a WebSocket also needs a page of our own origin.
      onRequest: async (req, reply) => {
        if (!sameOrigin(req.headers)) return sendError(reply, { code: 'forbidden', message: 'Cross-origin WebSocket' })
      },
    },
    (socket) => serveConnection(socket),
  )

  function serveConnection(ws: WebSocket): void {
    let caller: AuthenticatedToken | null = null
    let cut = false
    let pending = true
    const subscriptions = new Map<EventName, () => void>()
    const bucket = new TokenBucket(limits.messageBurst, limits.messagesPerSecond)

    /** Ends everything this socket holds at once: no message is handled after it, streams stop, the socket goes. */
    const cutOff = (code: number, reason: string): void => {
      if (cut) return
      cut = true
      release()
      // The close frame tells a well-behaved client why; terminate makes sure an ill-behaved one is gone.
      if (ws.readyState === ws.OPEN) ws.close(code, reason)
      ws.terminate()
    }

    const send = (message: ServerMessage): void => {
      if (cut || ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        log.warn({ token: caller?.id, buffered: ws.bufferedAmount }, 'client not reading: socket cut')
        cutOff(WS_CLOSE_SLOW_CONSUMER, 'The client is not reading what it asked for')
        return
      }
      ws.send(JSON.stringify(message))
    }

    const streams = new StreamRegistry(
      core.dispatcher,
      (id, message) =>
        send(
          message.kind === 'data'
            ? { type: 'stream.data', id, data: message.data }
            : message.error
              ? { type: 'stream.end', id, error: message.error }
              : { type: 'stream.end', id },
        ),
      limits.maxStreamsPerSocket,
    )

    const settlePending = (): void => {
      if (!pending) return
      pending = false
      pendingSockets--
    }
    let released = false
    function release(): void {
      if (released) return
      released = true
      clearTimeout(authTimer)
      settlePending()
      stopWatchingTokens()
      for (const unsubscribe of subscriptions.values()) unsubscribe()
      subscriptions.clear()
      streams.closeAll()
      if (caller) {
        const left = (socketsPerToken.get(caller.id) ?? 1) - 1
        if (left > 0) socketsPerToken.set(caller.id, left)
        else socketsPerToken.delete(caller.id)
      }
    }

    pendingSockets++
    const authTimer = setTimeout(() => cutOff(WS_CLOSE_UNAUTHORIZED, 'Authentication timed out'), limits.authTimeoutMs)
    // A revoked token loses its socket synchronously, inside the revoking call: no later message is handled.
    const stopWatchingTokens = core.events.on('tokens.changed', () => {
      if (caller && !core.tokens.exists(caller.id)) cutOff(WS_CLOSE_UNAUTHORIZED, 'The token was revoked')
    })
    ws.on('close', release)
    ws.on('error', (err) => log.warn({ err: err.message }, 'socket error'))
    if (pendingSockets > limits.maxPendingSockets) {
      cutOff(WS_CLOSE_TOO_MANY, 'Too many connections waiting to authenticate')
      return
    }

    ws.on('message', (data, isBinary) => {
      try {
        handleMessage(data.toString(), isBinary)
      } catch (err) {
        // The barrier for this socket: one bad message costs its sender the socket, never the process.
        log.error({ err }, 'message handler failed')
        cutOff(WS_CLOSE_PROTOCOL, 'Internal error')
      }
    })

    function handleMessage(text: string, isBinary: boolean): void {
      if (cut) return
      let message: ClientMessage
      try {
        const parsed = ClientMessage.safeParse(isBinary ? undefined : JSON.parse(text))
        if (!parsed.success) throw new Error(parsed.error.message)
        message = parsed.data
      } catch {
        send({ type: 'error', error: { code: 'validation', message: 'Malformed message' } })
        cutOff(WS_CLOSE_PROTOCOL, 'Malformed message')
        return
      }
      if (message.type === 'auth') return authenticate(message.token)
      if (!caller) return cutOff(WS_CLOSE_UNAUTHORIZED, 'Authenticate first')
      if (message.type === 'stream.ack') return streams.ack(message.id, message.count)
      // Revocation is pushed synchronously, but a token removed any other way must not act either.
      if (!core.tokens.exists(caller.id)) return cutOff(WS_CLOSE_UNAUTHORIZED, 'The token was revoked')
      if (!bucket.take()) return refuse(message)
      const ctx = { role: caller.role, actor: `token:${caller.id}` }
      switch (message.type) {
        case 'request': {
          const { id } = message
          void core.dispatcher
            .call(message.method, message.input, ctx)
            .then((result) => send({ type: 'response', id, result }))
          return
        }
        case 'subscribe': {
          const { event } = message
          if (!roleAllows(ctx.role, eventSpecs[event].permission)) {
            send({
              type: 'error',
              error: { code: 'forbidden', message: `The ${ctx.role} role may not receive ${event}` },
            })
            return
          }
          if (!subscriptions.has(event)) {
            subscriptions.set(
              event,
              core.events.on(event, (payload) => send({ type: 'event', event, payload })),
            )
          }
          return
        }
        case 'unsubscribe':
          subscriptions.get(message.event)?.()
          subscriptions.delete(message.event)
          return
        case 'stream.open':
          void streams.start(message.id, message.stream, message.params, ctx)
          return
        case 'stream.input':
          try {
            streams.input(message.id, message.input)
          } catch (err) {
            send({ type: 'error', error: toErrorBody(err) })
          }
          return
        case 'stream.close':
          streams.close(message.id)
          return
      }
    }

    function authenticate(token: string): void {
      if (caller) return cutOff(WS_CLOSE_PROTOCOL, 'Already authenticated')
      const found = core.tokens.authenticate(token)
      clearTimeout(authTimer)
      if (!found) {
        send({ type: 'auth_error', error: { code: 'unauthorized', message: 'The token is not valid' } })
        return cutOff(WS_CLOSE_UNAUTHORIZED, 'The token is not valid')
      }
      const open = socketsPerToken.get(found.id) ?? 0
      if (open >= limits.maxSocketsPerToken) {
        const message = `This token already has ${open} open connections`
        send({ type: 'auth_error', error: { code: 'rate_limited', message } })
        return cutOff(WS_CLOSE_TOO_MANY, message)
      }
      socketsPerToken.set(found.id, open + 1)
      caller = found
      settlePending()
      send({ type: 'auth_ok', role: found.role, tokenName: found.name })
    }

    function refuse(message: Exclude<ClientMessage, { type: 'auth' | 'stream.ack' }>): void {
      const error = { code: 'rate_limited' as const, message: 'Too many messages on this connection; slow down' }
      if (message.type === 'request') send({ type: 'response', id: message.id, result: { ok: false, error } })
      else if (message.type === 'stream.open') send({ type: 'stream.end', id: message.id, error })
      else send({ type: 'error', error })
    }
  }
}
