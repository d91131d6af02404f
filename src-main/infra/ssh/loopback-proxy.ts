import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'

interface Link {
  client: Socket
  upstream: Socket
}

/**
 * Test support: a TCP relay between a tunnel and sshd. It tells which local port sshd sees for each connection
 * (so its log lines and its per-connection process can be found) and it can cut or black-hole the link the way
 * a network would, which the client cannot tell from a real outage.
 */
export class LoopbackProxy {
  private readonly links = new Set<Link>()
  private blackholed = false

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<LoopbackProxy> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const proxy = new LoopbackProxy(server, (server.address() as AddressInfo).port)
    server.on('connection', (client) => proxy.relay(client, createConnection(targetPort, targetHost)))
    return proxy
  }

  /** The source port sshd logs (`from 127.0.0.1 port N`) for each connection ever relayed, oldest first. */
  readonly upstreamPorts: number[] = []

  /** Source ports of the connections open right now. */
  openUpstreamPorts(): number[] {
    return [...this.links].flatMap((l) => (l.upstream.localPort === undefined ? [] : [l.upstream.localPort]))
  }

  /** Resets every relayed connection at once. */
  cutAll(): void {
    for (const link of this.links) {
      link.client.destroy()
      link.upstream.destroy()
    }
  }

  /** Silently drops every byte in both directions (new connections too) until switched off. */
  setBlackhole(on: boolean): void {
    this.blackholed = on
  }

  async close(): Promise<void> {
    this.cutAll()
    await new Promise((resolve) => this.server.close(resolve))
  }

  private relay(client: Socket, upstream: Socket): void {
    const link = { client, upstream }
    this.links.add(link)
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    upstream.once('connect', () => this.upstreamPorts.push(upstream.localPort ?? 0))
    client.on('data', (data) => this.blackholed || upstream.write(data))
    upstream.on('data', (data) => this.blackholed || client.write(data))
    const end = () => {
      this.links.delete(link)
      client.destroy()
      upstream.destroy()
    }
    for (const socket of [client, upstream]) socket.on('close', end).on('error', end)
  }
}
