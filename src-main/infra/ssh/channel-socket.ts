import type { ClientChannel } from 'ssh2'

/** What http.Agent and ClientRequest call on a socket beyond the Duplex interface. */
export interface SocketMethods {
  setKeepAlive(enable?: boolean, initialDelay?: number): this
  setNoDelay(noDelay?: boolean): this
  setTimeout(ms: number, callback?: () => void): this
  ref(): this
  unref(): this
  destroySoon(): void
}

export type ChannelSocket = ClientChannel & SocketMethods

/**
 * Makes an ssh2 channel usable as an HTTP socket. Keep-alive, Nagle and ref-counting belong to the one TCP
 * connection underneath, so they are no-ops here; the idle timeout is real because docker-modem's `timeout`
 * relies on the socket emitting `timeout`. Activity is seen by wrapping `push` and `write`, since listening for
 * `data` would switch the stream to flowing before the HTTP parser is attached and lose the first bytes.
 */
export function channelAsSocket(channel: ClientChannel): ChannelSocket {
  const socket = channel as ChannelSocket
  let idleMs = 0
  let timer: NodeJS.Timeout | undefined
  const touch = () => {
    clearTimeout(timer)
    timer = idleMs > 0 ? setTimeout(() => socket.emit('timeout'), idleMs) : undefined
    timer?.unref()
  }
  const push = channel.push.bind(channel)
  channel.push = (chunk: unknown, encoding?: BufferEncoding) => {
    touch()
    return push(chunk, encoding)
  }
  const write = channel.write.bind(channel) as (...args: unknown[]) => boolean
  channel.write = ((...args: unknown[]) => {
    touch()
    return write(...args)
  }) as ClientChannel['write']
  socket.setKeepAlive = () => socket
  socket.setNoDelay = () => socket
  socket.ref = () => socket
  socket.unref = () => socket
  socket.destroySoon = () => socket.destroy()
  socket.setTimeout = (ms, callback) => {
    idleMs = ms
    if (callback) {
      if (ms > 0) socket.once('timeout', callback)
      else socket.removeListener('timeout', callback)
    }
    touch()
    return socket
  }
  channel.once('close', () => clearTimeout(timer))
  return socket
}

/**
 * For the channels of a connection that just died. ssh2 leaves them writable, and http.Agent drops a closed socket
 * from its keep-alive pool only when it is not writable: the next request would reuse a dead channel and hang
 * forever. ssh2 also emits a channel's `close` only after its readable side ended; resuming lets paused ones end.
 */
export function abandonChannel(channel: ClientChannel): void {
  // ssh2 itself clears `writable` this way when a channel finishes; Node's typings call it read-only.
  const settable = channel as { writable: boolean }
  settable.writable = false
  channel.resume()
}
