import { z } from 'zod'
import { EVENT_NAMES, STREAM_NAMES } from './channels'
import type { Envelope, ErrorBody } from './errors'

export * from './ws-constants'

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
