import type { ErrorBody } from '../../../src-preload/contract/errors'
import { toErrorBody } from '../shared/app-error'
import type { CallContext, Dispatcher } from './dispatcher'
import { StreamChannel, type StreamControl, type StreamMessage } from './stream-channel'

const DEFAULT_MAX_STREAMS = 32

interface OpenEntry {
  channel: StreamChannel<unknown>
  control?: StreamControl<unknown>
  /** Input that arrived while the stream was still opening (a user typing into a terminal at once). */
  early: unknown[]
}

/**
 * The streams one client (a WebSocket, a renderer) has open, keyed by ids the client chose, so data
 * can arrive before the open call returns. Both transports use it; they only differ in `send`.
 */
export class StreamRegistry {
  private readonly open = new Map<number, OpenEntry>()

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly send: (id: number, message: StreamMessage) => void,
    private readonly maxStreams = DEFAULT_MAX_STREAMS,
  ) {}

  async start(id: number, name: string, params: unknown, ctx: CallContext): Promise<void> {
    if (this.open.has(id)) return this.fail(id, { code: 'conflict', message: `Stream ${id} is already open` })
    if (this.open.size >= this.maxStreams) {
      return this.fail(id, { code: 'rate_limited', message: 'Too many open streams on this connection' })
    }
    const channel = new StreamChannel<unknown>((message) => {
      if (message.kind === 'end') this.open.delete(id)
      this.send(id, message)
    })
    const entry: OpenEntry = { channel, early: [] }
    this.open.set(id, entry)
    try {
      entry.control = await this.dispatcher.openStream(name, params, ctx, channel)
      // The client may have closed it while it was opening.
      if (this.open.get(id) !== entry) entry.control.close()
      else for (const input of entry.early.splice(0)) this.input(id, input, true)
    } catch (err) {
      channel.end(toErrorBody(err))
    }
  }

  /** Throws AppError('validation') for input the stream's schema refuses. */
  input(id: number, input: unknown, quiet = false): void {
    const entry = this.open.get(id)
    if (!entry) return
    if (!entry.control) {
      if (entry.early.length < 1000) entry.early.push(input)
      return
    }
    try {
      entry.control.input?.(input)
    } catch (err) {
      if (!quiet) throw err
    }
  }

  ack(id: number, count: number): void {
    this.open.get(id)?.channel.ack(count)
  }

  close(id: number): void {
    const entry = this.open.get(id)
    if (!entry) return
    this.open.delete(id)
    entry.control?.close()
    entry.channel.end()
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id)
  }

  get size(): number {
    return this.open.size
  }

  private fail(id: number, error: ErrorBody): void {
    this.send(id, { kind: 'end', error })
  }
}
