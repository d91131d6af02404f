import type { ProxyPreview, ProxySettings, ProxyState } from '../../../src-preload/contract/routes'

/**
 * The calls the routes, proxy, certs and deploys domains make on each other, as interfaces: each is built and
 * tested on its own, and the composition root (`bootstrap.ts`) connects them.
 *
 *   routes ──(RouteSource)──▶ proxy ◀──(ProxyControl)── routes, certs, deploys
 *   certs ──(CertificateSource)──▶ proxy            routes ──(CertificateOrders)──▶ certs
 */

/** A stored route, already validated (ASCII domain, path grammar, container port). */
export interface RouteRecord {
  id: string
  hostId: string
  projectId: string
  serviceId: string
  domain: string
  path: string
  port: number
  tls: boolean
  createdAt: string
}

/** What the proxy renders from: the routes of one host, in a stable order (domain, then path). */
export interface RouteSource {
  routesForHost(hostId: string): RouteRecord[]
  /** Hosts whose routes include this domain (for ACME challenges and installing a certificate). */
  hostsForDomain(domain: string): string[]
}

/** A certificate nginx may serve: the full chain and its private key (unsealed only to be written to the proxy). */
export interface ServingCertificate {
  domain: string
  chainPem: string
  keyPem: string
  /** Hex serial: names the files, so a renewal writes new files and switches to them by a safe apply. */
  serial: string
  notAfter: string
}

export interface CertificateSource {
  /** The current certificate for the domain when one is valid (not expired); `null` otherwise. */
  servingCertificate(domain: string): Promise<ServingCertificate | null>
}

export interface ApplyOptions {
  signal?: AbortSignal
  log?: (line: string) => void
}

export interface ProxyControl {
  /**
   * Renders the host's routes and applies them safely: stage, `nginx -t` on the whole tree, swap, reload, confirm
   * the hash on the internal health location; on any failure the previous files come back and nginx reloads
   * them, and this throws AppError('proxy_rejected', nginx's own message). Creates the proxy container first
   * when there is none. A render equal to the live one does nothing. One apply per host at a time.
   */
  apply(hostId: string, options?: ApplyOptions): Promise<ProxyState>
  /** The configuration with `add` included and `removeRouteId` left out, checked with `nginx -t`; applies nothing. */
  preview(hostId: string, change: { add?: RouteRecord; removeRouteId?: string }): Promise<ProxyPreview>
  state(hostId: string): Promise<ProxyState>
  /**
   * Zero-downtime deploys: from now on the service's routes go to this container (which must be running and
   * healthy), applied safely. Resolves once nginx confirms the new configuration. `release()` drops the pin
   * (after the container took the canonical name, the ordinary choice gives the same one).
   */
  pinUpstream(serviceId: string, containerId: string, options?: ApplyOptions): Promise<{ release(): void }>
  /** Whether any route sends traffic to this service (deploys take the proxy path only then). */
  hasRoutes(serviceId: string): boolean
  /** HTTP-01: makes `/.well-known/acme-challenge/<token>` answer `keyAuthorization` on these hosts' proxies. */
  putChallenge(hostIds: string[], token: string, keyAuthorization: string): Promise<void>
  removeChallenge(hostIds: string[], token: string): Promise<void>
  /** Disconnects the proxy from a project network before the project removes it (a connected network cannot go). */
  releaseNetwork(hostId: string, network: string): Promise<void>
}

/** Routes asking for HTTPS get their certificate ordered automatically, as Caddy does. */
export interface CertificateOrders {
  /** Enqueues issuance unless a valid certificate exists or one is being issued; returns the job when it started one. */
  ensureCertificate(domain: string): { jobId: string } | null
}

/** A host's proxy settings (stored with the host; defaults when the host body named none). */
export interface ProxySettingsSource {
  proxySettings(hostId: string): ProxySettings
}
