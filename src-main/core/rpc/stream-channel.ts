import type { ErrorBody } from '../../../src-preload/contract/errors'

export type StreamMessage = { kind: 'data'; data: unknown } | { kind: 'end'; error?: ErrorBody }

/** What a stream producer (a log follower, a stats feed, a terminal) writes to. */
export interface StreamSink<D> {
  data(data: D, weight?: number): void
  end(error?: ErrorBody): void
  /** True while the client has more unacknowledged data than it should; producers pause their source. */
  readonly congested: boolean
  /** Called once congestion clears. Returns the unsubscribe. */
  onDrain(listener: () => void): () => void
  readonly ended: boolean
}

/** What the opener of a stream gets back: push input into it, and close it. */
export interface StreamControl<I = never> {
  input?(input: I): void
  close(): void
}

const HIGH_WATER = 192 * 1024
const LOW_WATER = 64 * 1024

/**
 * Watermark flow control between the core and one client: every message carries a weight (bytes of
 * log text, say); the client acknowledges messages once it has rendered them. Above the high-water
 * mark the producer pauses its source, and resumes under the low-water mark, so a container logging
 * 50k lines/s cannot fill the renderer's memory or stall its frames.
 */
export class StreamChannel<D> implements StreamSink<D> {
  private readonly unacked: number[] = []
  private pendingWeight = 0
  private readonly drainListeners = new Set<() => void>()
  private done = false
  congested = false

  constructor(
    private readonly send: (message: StreamMessage) => void,
    private readonly watermarks = { high: HIGH_WATER, low: LOW_WATER },
  ) {}

  get ended(): boolean {
    return this.done
  }

  data(data: D, weight = 1): void {
    if (this.done) return
    this.unacked.push(weight)
    this.pendingWeight += weight
    if (this.pendingWeight > this.watermarks.high) this.congested = true
    this.send({ kind: 'data', data })
  }

  end(error?: ErrorBody): void {
    if (this.done) return
    this.done = true
    this.drainListeners.clear()
    this.send(error ? { kind: 'end', error } : { kind: 'end' })
  }

  /** The client has processed `count` more data messages, oldest first. */
  ack(count: number): void {
    for (let i = 0; i < count && this.unacked.length > 0; i++) this.pendingWeight -= this.unacked.shift()!
    if (this.congested && this.pendingWeight <= this.watermarks.low) {
      this.congested = false
      for (const listener of [...this.drainListeners]) listener()
    }
  }

  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener)
    return () => this.drainListeners.delete(listener)
  }
}
