import { Agent } from 'node:http'
import { createConnection } from 'node:net'
import type { Duplex } from 'node:stream'

/** Where the local engine listens: `DOCKER_HOST` when it names a unix socket, else Docker's default. */
export function defaultLocalSocket(env: NodeJS.ProcessEnv = process.env): string {
  const dockerHost = env.DOCKER_HOST
  if (dockerHost?.startsWith('unix://')) return dockerHost.slice('unix://'.length)
  return '/var/run/docker.sock'
}

/**
 * An HTTP agent for one unix socket that keeps no connection after a request: a connection test must leave
 * nothing open behind it (Node's global agent would keep an idle socket to the engine for seconds).
 */
export class UnixSocketAgent extends Agent {
  constructor(private readonly socketPath: string) {
    super({ keepAlive: false })
  }

  override createConnection(): Duplex {
    return createConnection(this.socketPath)
  }
}
