import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http'
import type { Duplex } from 'node:stream'
import { inspect } from 'node:util'

export interface RemoteSocketSource {
  /** Human-readable target for logs and inspection, e.g. `root@host:22`. */
  readonly label: string
  openRemoteSocket(): Promise<Duplex>
}

/**
 * An HTTP agent whose every connection is a fresh SSH channel to the remote Docker socket. Keep-alive is on so
 * an HTTP connection (one channel) serves many requests instead of paying a channel open each time.
 */
export class TunnelAgent extends Agent {
  constructor(
    private readonly source: RemoteSocketSource,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, ...options })
  }

  override createConnection(
    _options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    this.source.openRemoteSocket().then(
      (socket) => callback?.(null, socket),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    )
    return undefined
  }

  // docker-modem runs util.inspect over every request's options, agent included; walking the ssh2 client graph
  // behind `source` cost about 1 ms per request.
  [inspect.custom](): string {
    return `TunnelAgent(${this.source.label})`
  }
}
