import type { ProxyControl } from '../shared/proxy-ports'

/** How long a replaced container keeps its open connections once the proxy moved (kamal-proxy drains for 30 s). */
export const DEFAULT_DRAIN_SECONDS = 10

/**
 * How a deployment moves a routed service's traffic: the proxy sends the service's routes to the new container
 * (a safe apply that resolves once nginx confirms it), the old one keeps its open connections for `drainMs`, and
 * only then is it stopped. `release` hands the choice back to the proxy's ordinary rule once the new container
 * took the canonical name (which picks the same container, so nothing reloads).
 */
export interface TrafficSwitch {
  drainMs: number
  switchTo(containerId: string, options: { signal: AbortSignal; log(line: string): void }): Promise<() => void>
}

/** The switch for a service when a proxy routes to it; `null` when no route does (nothing to switch). */
export function proxyTrafficSwitch(
  proxy: ProxyControl | null,
  serviceId: string,
  drainMs: number,
): TrafficSwitch | null {
  if (!proxy || !proxy.hasRoutes(serviceId)) return null
  return {
    drainMs,
    async switchTo(containerId, { signal, log }) {
      const pin = await proxy.pinUpstream(serviceId, containerId, { signal, log })
      return () => pin.release()
    },
  }
}

/** Waits out the drain. Not cut short by a cancel: the traffic has moved, and stopping early drops requests. */
export function drain(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
