import type { ContainerSummary } from '../../../../src-preload/contract/containers'

type Port = ContainerSummary['ports'][number]

export interface PortView {
  key: string
  /** As `docker ps` prints it: `0.0.0.0:8080→80/tcp`, `[::]:8080→80/tcp`, or `80/tcp` when unpublished. */
  text: string
  /** Where a browser on this computer can open it, when it is a published TCP port reachable from here. */
  href: string | null
}

const WILDCARDS = new Set(['0.0.0.0', '::', ''])
const HTTPS_PORTS = new Set([443, 8443])

const bracket = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip)

/**
 * Published ports with their bind address, and a link for each TCP port this computer can reach:
 * any bind address of a local engine, and wildcard binds of a remote one (a port bound to the remote
 * machine's loopback is not reachable from here). `linkHost` is the name to put in the link.
 */
export function portViews(ports: Port[], linkHost: string, remote: boolean): PortView[] {
  const views = new Map<string, PortView>()
  const sorted = [...ports].sort((a, b) => (a.publicPort ?? 0) - (b.publicPort ?? 0) || a.privatePort - b.privatePort)
  for (const port of sorted) {
    const ip = port.ip ?? ''
    const text = port.publicPort
      ? `${ip ? bracket(ip) : '*'}:${port.publicPort}→${port.privatePort}/${port.type}`
      : `${port.privatePort}/${port.type}`
    if (views.has(text)) continue
    let href: string | null = null
    if (port.publicPort && port.type === 'tcp') {
      const reachable = WILDCARDS.has(ip) || !remote
      const host = WILDCARDS.has(ip) ? linkHost : bracket(ip)
      const scheme = HTTPS_PORTS.has(port.privatePort) || HTTPS_PORTS.has(port.publicPort) ? 'https' : 'http'
      if (reachable) href = `${scheme}://${host}:${port.publicPort}/`
    }
    views.set(text, { key: text, text, href })
  }
  return [...views.values()]
}
