/** A service's `ports` and `expose`, as glinrdock's port mappings. */
import type { PortMapping } from '../../../../src-preload/contract/projects'
import { invalid, unsupported, type ComposeReader } from './compose-reader'
import { parsePortSpec } from './compose-units'
import { isMap, type Json, type JsonMap } from './compose-yaml'

const MAX_PORTS = 256

const RANDOM_HOST_PORT =
  'Compose publishes this on a random host port; glinrdock only exposes it on the project network: give it a'

function checkCount(ports: PortMapping[], count: number, path: string): void {
  if (ports.length + count > MAX_PORTS) throw invalid(path, `more than ${MAX_PORTS} ports`)
}

/** The protocol when glinrdock maps it; otherwise null, with a warning that the port is left out. */
function mappedProtocol(r: ComposeReader, protocol: string, path: string): PortMapping['protocol'] | null {
  if (protocol === 'tcp' || protocol === 'udp') return protocol
  r.warn(path, `${protocol} ports are not supported; left out`)
  return null
}

/** Ports reached on the project network only, one per port of the range. */
const unpublished = ([start, end]: [number, number], protocol: PortMapping['protocol']): PortMapping[] =>
  Array.from({ length: end - start + 1 }, (_, i) => ({ container: start + i, protocol }))

export function readPorts(r: ComposeReader, value: Json, path: string, ports: PortMapping[]): void {
  r.list(value, path).forEach((item, i) => {
    const at = `${path}.${i}`
    if (isMap(item)) return readLongPort(r, item, at, ports)
    const text = typeof item === 'number' ? String(item) : r.text(item, at)
    const spec = parsePortSpec(text)
    if (!spec) throw invalid(at, `${JSON.stringify(text)} is not a port (e.g. 8080:80 or 127.0.0.1:53:53/udp)`)
    const protocol = mappedProtocol(r, spec.protocol, at)
    if (!protocol) return
    const [start, end] = spec.container
    checkCount(ports, end - start + 1, at)
    if (!spec.host) {
      r.warn(at, `${RANDOM_HOST_PORT} host port to publish it`)
      ports.push(...unpublished(spec.container, protocol))
      return
    }
    const [hostStart, hostEnd] = spec.host
    if (hostEnd - hostStart !== end - start)
      throw invalid(at, 'the host and container port ranges must be the same length')
    for (let port = start; port <= end; port++)
      ports.push({
        container: port,
        host: hostStart + port - start,
        protocol,
        ...(spec.hostIp !== undefined ? { hostIp: spec.hostIp } : {}),
      })
  })
}

function readLongPort(r: ComposeReader, item: JsonMap, path: string, ports: PortMapping[]): void {
  let container: number | undefined
  let host: number | undefined
  let protocolText = 'tcp'
  let hostIp: string | undefined
  for (const [key, value] of Object.entries(item)) {
    const at = `${path}.${key}`
    if (key === 'target') container = r.integer(value, at, 1, 65535)
    else if (key === 'published') host = r.integer(value, at, 1, 65535)
    else if (key === 'protocol') protocolText = r.text(value, at).toLowerCase()
    else if (key === 'host_ip') hostIp = r.text(value, at)
    else if (key !== 'mode') r.warn(at, unsupported(key))
  }
  if (container === undefined) throw invalid(path, 'needs a target port')
  const protocol = mappedProtocol(r, protocolText, path)
  if (!protocol) return
  checkCount(ports, 1, path)
  if (host === undefined) r.warn(path, `${RANDOM_HOST_PORT} published port`)
  ports.push({
    container,
    ...(host !== undefined ? { host } : {}),
    protocol,
    ...(host !== undefined && hostIp !== undefined ? { hostIp } : {}),
  })
}

export function readExpose(r: ComposeReader, value: Json, path: string, expose: PortMapping[]): void {
  r.list(value, path).forEach((item, i) => {
    const at = `${path}.${i}`
    const text = typeof item === 'number' ? String(item) : r.text(item, at)
    const spec = parsePortSpec(text)
    if (!spec || spec.host || spec.hostIp !== undefined) throw invalid(at, `${JSON.stringify(text)} is not a port`)
    const protocol = mappedProtocol(r, spec.protocol, at)
    if (!protocol) return
    checkCount(expose, spec.container[1] - spec.container[0] + 1, at)
    expose.push(...unpublished(spec.container, protocol))
  })
}
