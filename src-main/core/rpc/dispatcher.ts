import {
  REQUEST_METHODS,
  STREAM_NAMES,
  type RequestMethod,
  type StreamName,
} from '../../../src-preload/contract/channels'
import type { Envelope } from '../../../src-preload/contract/errors'
import {
  requests,
  roleAllows,
  streams,
  type ParsedInput,
  type ParsedStreamParams,
  type RequestOutput,
  type Role,
  type StreamData,
  type StreamInput,
} from '../../../src-preload/contract/schemas'
import type { StreamControl, StreamSink } from './stream-channel'
import { AppError, isAppError, toErrorBody } from '../shared/app-error'
import { parseInput } from '../shared/validation'
import type { Logger } from '../../infra/logging/logger'

/** Who is calling: the desktop user (always admin) or an API token. */
export interface CallContext {
  role: Role
  actor: string
}

export type Handlers = {
  [M in RequestMethod]: (input: ParsedInput<M>, ctx: CallContext) => Promise<RequestOutput<M>> | RequestOutput<M>
}

export type StreamHandlers = {
  [S in StreamName]: (
    params: ParsedStreamParams<S>,
    ctx: CallContext,
    sink: StreamSink<StreamData<S>>,
  ) => Promise<StreamControl<StreamInput<S>>> | StreamControl<StreamInput<S>>
}

const KNOWN = new Set<string>(REQUEST_METHODS)
export const isRequestMethod = (name: string): name is RequestMethod => KNOWN.has(name)
const KNOWN_STREAMS = new Set<string>(STREAM_NAMES)
export const isStreamName = (name: string): name is StreamName => KNOWN_STREAMS.has(name)

/**
 * The single entry every transport uses: schema-parse the input, check the caller's role, run the
 * handler, and strip the output to its schema (so a field a handler leaks by mistake never leaves).
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly streamHandlers: StreamHandlers,
    private readonly log: Logger,
  ) {}

  async call(method: string, rawInput: unknown, ctx: CallContext): Promise<Envelope<unknown>> {
    try {
      return { ok: true, value: await this.invoke(method, rawInput, ctx) }
    } catch (err) {
      if (!isAppError(err)) this.log.error({ err, method }, 'request failed')
      return { ok: false, error: toErrorBody(err) }
    }
  }

  /** Like `call` but throws AppError; for transports (REST) that shape their own responses. */
  async invoke(method: string, rawInput: unknown, ctx: CallContext): Promise<unknown> {
    if (!isRequestMethod(method)) throw new AppError('not_found', `Unknown request ${method}`)
    const spec = requests[method]
    if (!roleAllows(ctx.role, spec.permission)) {
      throw new AppError('forbidden', `The ${ctx.role} role may not call ${method}`)
    }
    const input = parseInput(spec.input, rawInput ?? {})
    const handler = this.handlers[method] as (input: unknown, ctx: CallContext) => unknown
    const output = await handler(input, ctx)
    return spec.output.parse(output)
  }

  /**
   * Opens a stream the same way a request is made: role check, schema parse, one handler. The
   * returned control's `input` parses what the client sends with the stream's input schema.
   */
  async openStream(
    name: string,
    rawParams: unknown,
    ctx: CallContext,
    sink: StreamSink<unknown>,
  ): Promise<StreamControl<unknown>> {
    if (!isStreamName(name)) throw new AppError('not_found', `Unknown stream ${name}`)
    const spec = streams[name]
    if (!roleAllows(ctx.role, spec.permission)) {
      throw new AppError('forbidden', `The ${ctx.role} role may not open ${name}`)
    }
    const params = parseInput(spec.params, rawParams ?? {})
    const handler = this.streamHandlers[name] as (
      params: unknown,
      ctx: CallContext,
      sink: StreamSink<unknown>,
    ) => Promise<StreamControl<unknown>> | StreamControl<unknown>
    const control = await handler(params, ctx, sink)
    const inputSchema = spec.input
    return {
      close: () => control.close(),
      input: (raw: unknown) => {
        if (!inputSchema || !control.input) throw new AppError('validation', `${name} takes no input`)
        control.input(parseInput(inputSchema, raw))
      },
    }
  }
}
