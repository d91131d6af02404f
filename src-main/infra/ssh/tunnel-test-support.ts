import { request, type Agent } from 'node:http'
import type { SshTunnel, TunnelState, TunnelStateEvent } from './ssh-tunnel'

/** Test support: resolves with the state events seen until one of `until` (inclusive); starts the tunnel if asked. */
export function stateEventsUntil(
  tunnel: SshTunnel,
  until: TunnelState[],
  { start = false, timeoutMs = 15_000 } = {},
): Promise<TunnelStateEvent[]> {
  const events: TunnelStateEvent[] = []
  return new Promise((resolve, reject) => {
    const onState = (event: TunnelStateEvent) => {
      events.push(event)
      if (!until.includes(event.state)) return
      clearTimeout(timer)
      tunnel.off('state', onState)
      resolve(events)
    }
    const timer = setTimeout(() => {
      tunnel.off('state', onState)
      reject(new Error(`no ${until.join('/')} within ${timeoutMs} ms; saw ${JSON.stringify(events)}`))
    }, timeoutMs)
    tunnel.on('state', onState)
    if (start) tunnel.start()
  })
}

/** Test support: a GET through an agent to the Docker API (the Host header is irrelevant on a unix socket). */
export function dockerGet(agent: Agent, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: 'docker', path }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}
