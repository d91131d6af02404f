import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EventName } from '../../src-preload/contract/channels'
import { events as eventSpecs, roleAllows } from '../../src-preload/contract/schemas'
import {
  ClientMessage,
  WS_CLOSE_PROTOCOL,
  WS_CLOSE_UNAUTHORIZED,
  type ServerMessage,
} from '../../src-preload/contract/ws-protocol'
import type { Core } from '../bootstrap'
import type { AuthenticatedToken } from '../core/tokens'
import type { Logger } from '../infra/logging/logger'
import { sameOrigin } from './request-guards'
import { StreamRegistry } from '../core/rpc/stream-registry'
import { toErrorBody } from '../core/shared/app-error'

const AUTH_TIMEOUT_MS = 10_000
const MAX_MESSAGE_BYTES = 1024 * 1024

interface Options {
  core: Core
  logger: Logger
  path: string
  hostAllowed: (req: IncomingMessage) => boolean
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

/** The browser renderer's transport: the same dispatcher and events as Electron IPC, over one socket. */
export function attachWebSocket(server: Server, options: Options): { close(): void } {
  const { core } = options
  const log = options.logger.child({ scope: 'ws' })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://internal').pathname
    if (pathname !== options.path) return rejectUpgrade(socket, 404, 'Not Found')
    if (!options.hostAllowed(req)) return rejectUpgrade(socket, 421, 'Misdirected Request')
    if (!sameOrigin(req)) return rejectUpgrade(socket, 403, 'Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws))
  })

  function serveConnection(ws: WebSocket): void {
    let caller: AuthenticatedToken | null = null
    const subscriptions = new Map<EventName, () => void>()
    const send = (message: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
    }
    const streams = new StreamRegistry(core.dispatcher, (id, message) =>
      send(
        message.kind === 'data'
          ? { type: 'stream.data', id, data: message.data }
          : message.error
            ? { type: 'stream.end', id, error: message.error }
            : { type: 'stream.end', id },
      ),
    )
    const authTimer = setTimeout(() => ws.close(WS_CLOSE_UNAUTHORIZED, 'Authentication timed out'), AUTH_TIMEOUT_MS)

    // A revoked token must lose its open socket too, not only its next HTTP request.
    const stopWatchingTokens = core.events.on('tokens.changed', () => {
      if (caller && !core.tokens.exists(caller.id)) ws.close(WS_CLOSE_UNAUTHORIZED, 'The token was revoked')
    })

    ws.on('message', (data, isBinary) => {
      let message: ClientMessage
      try {
        const parsed = ClientMessage.safeParse(JSON.parse(isBinary ? '' : data.toString()))
        if (!parsed.success) throw new Error(parsed.error.message)
        message = parsed.data
      } catch {
        send({ type: 'error', error: { code: 'validation', message: 'Malformed message' } })
        ws.close(WS_CLOSE_PROTOCOL, 'Malformed message')
        return
      }
      if (message.type === 'auth') {
        caller = core.tokens.authenticate(message.token)
        clearTimeout(authTimer)
        if (!caller) {
          send({ type: 'auth_error', error: { code: 'unauthorized', message: 'The token is not valid' } })
          ws.close(WS_CLOSE_UNAUTHORIZED, 'The token is not valid')
          return
        }
        send({ type: 'auth_ok', role: caller.role, tokenName: caller.name })
        return
      }
      if (!caller) {
        ws.close(WS_CLOSE_UNAUTHORIZED, 'Authenticate first')
        return
      }
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
        case 'stream.ack':
          streams.ack(message.id, message.count)
          return
        case 'stream.close':
          streams.close(message.id)
          return
      }
    })

    ws.on('close', () => {
      clearTimeout(authTimer)
      stopWatchingTokens()
      for (const unsubscribe of subscriptions.values()) unsubscribe()
      subscriptions.clear()
      streams.closeAll()
    })
    ws.on('error', (err) => log.warn({ err: err.message }, 'socket error'))
  }

  return {
    close() {
      for (const client of wss.clients) client.close(1001, 'server shutting down')
      wss.close()
    },
  }
}
