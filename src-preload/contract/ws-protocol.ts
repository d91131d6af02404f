import { z } from 'zod'
import { EVENT_NAMES, STREAM_NAMES } from './channels'
import type { Envelope, ErrorBody } from './errors'

/**
 * The browser renderer's single WebSocket. The first message must authenticate (browsers cannot set
 * an Authorization header on a WebSocket); after that it carries the same requests and events as IPC.
 */
export const WS_PATH = '/v1/ws'

const StreamId = z.number().int().nonnegative()

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().max(200) }),
  z.object({
    type: z.literal('request'),
    id: z.number().int().nonnegative(),
    method: z.string().max(100),
    input: z.unknown().optional(),
  }),
  z.object({ type: z.literal('subscribe'), event: z.enum(EVENT_NAMES) }),
  z.object({ type: z.literal('unsubscribe'), event: z.enum(EVENT_NAMES) }),
  z.object({
    type: z.literal('stream.open'),
    id: StreamId,
    stream: z.enum(STREAM_NAMES),
    params: z.unknown().optional(),
  }),
  z.object({ type: z.literal('stream.close'), id: StreamId }),
  z.object({ type: z.literal('stream.input'), id: StreamId, input: z.unknown() }),
  z.object({ type: z.literal('stream.ack'), id: StreamId, count: z.number().int().min(1).max(1_000_000) }),
])
export type ClientMessage = z.infer<typeof ClientMessage>

export type ServerMessage =
  | { type: 'auth_ok'; role: string; tokenName: string }
  | { type: 'auth_error'; error: ErrorBody }
  | { type: 'response'; id: number; result: Envelope<unknown> }
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'error'; error: ErrorBody }
  | { type: 'stream.data'; id: number; data: unknown }
  | { type: 'stream.end'; id: number; error?: ErrorBody }

/** Close codes in the application range, so the client can tell "log in again" from "reconnect". */
export const WS_CLOSE_UNAUTHORIZED = 4401
export const WS_CLOSE_PROTOCOL = 4400
/** The client did not read what it asked for: more than the server will buffer for one socket. */
export const WS_CLOSE_SLOW_CONSUMER = 4408
/** Too many sockets for one token, or too many still waiting to authenticate. */
export const WS_CLOSE_TOO_MANY = 4429
