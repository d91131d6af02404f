import { get } from 'node:http'
import { elapsedMs, sleep } from './projects-fixture'

/**
 * Polls the port every 2 ms until it answers `version`; answers the ms from `start`. Each try is a new connection
 * given up after 100 ms: while the engine wires a new container's port a SYN can be dropped, and a pooled client
 * (fetch) would queue the next try behind that socket's 1 s retransmit, measuring TCP instead of the container.
 * `host` sets the Host header (a proxy's route).
 */
export async function servingAfter(
  start: bigint,
  port: number,
  version: string,
  options: { host?: string; timeoutMs?: number } = {},
): Promise<number> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  for (;;) {
    if ((await answer(port, options.host)) === `${version}\n`) return elapsedMs(start)
    if (Date.now() > deadline) throw new Error(`port ${port} never served ${version}`)
    await sleep(2)
  }
}

function answer(port: number, host: string | undefined): Promise<string | null> {
  return new Promise((resolve) => {
    const headers = host ? { Host: host } : {}
    const req = get({ host: '127.0.0.1', port, path: '/', headers, agent: false, timeout: 100 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve(res.statusCode === 200 ? body : null))
      res.on('error', () => resolve(null))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(null))
  })
}
