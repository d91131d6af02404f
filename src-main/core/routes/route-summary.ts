import {
  DEFAULT_HTTP_PORT,
  DEFAULT_HTTPS_PORT,
  type ProxySettings,
  type RouteSummary,
} from '../../../src-preload/contract/routes'
import type { RouteRow } from './route-store'
import { displayDomain } from './display-domain'

/** What a route's address needs to know of its certificate: the window it is valid in. */
export interface CertificateWindow {
  domain: string
  notBefore: string | null
  notAfter: string | null
}

/** A certificate serves HTTPS while `now` is inside its validity window, whatever the renewal state says. */
export function certificateValid(cert: CertificateWindow | undefined, now: Date): boolean {
  if (!cert?.notAfter) return false
  const notBefore = cert.notBefore ? Date.parse(cert.notBefore) : -Infinity
  return notBefore <= now.getTime() && now.getTime() < Date.parse(cert.notAfter)
}

/**
 * The address people open: https once the domain has a valid certificate (the proxy then serves it and redirects
 * HTTP), else http; the proxy's port only when it is not the scheme's default. The host part is the ASCII form,
 * which every browser and `curl` take as is.
 */
export function routeUrl(route: RouteRow, proxy: ProxySettings, https: boolean): string {
  const port = https ? proxy.httpsPort : proxy.httpPort
  const standard = https ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT
  return `${https ? 'https' : 'http'}://${route.domain}${port === standard ? '' : `:${port}`}${route.path}`
}

export function routeSummary(
  route: RouteRow,
  proxy: ProxySettings,
  cert: CertificateWindow | undefined,
  now: Date,
): RouteSummary {
  return {
    id: route.id,
    hostId: route.hostId,
    projectId: route.projectId,
    projectName: route.projectName,
    serviceId: route.serviceId,
    serviceName: route.serviceName,
    domain: route.domain,
    displayDomain: displayDomain(route.domain),
    path: route.path,
    port: route.port,
    tls: route.tls,
    url: routeUrl(route, proxy, route.tls && certificateValid(cert, now)),
    createdAt: route.createdAt,
  }
}
