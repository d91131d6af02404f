import { z } from 'zod'
import { EntityId, Port } from './grammar'

/**
 * Routes (a domain and path on a host's proxy to a service's container port), the proxy itself and the
 * certificates behind HTTPS. Every value that ends up in the nginx configuration passes one of these grammars
 * first: the renderer only ever sees validated tokens.
 */

// Domains --------------------------------------------------------------------------------------------------

/** Characters a domain may hold before IDNA: letters (any script), digits, hyphens and dots. */
const DOMAIN_INPUT = /^[\p{L}\p{M}\p{N}.-]+$/u
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/**
 * A host name as nginx's `server_name` and an ACME order take it: IDNA to punycode (the WHATWG URL parser does
 * UTS #46 in every process this contract runs in), then RFC 1123 labels, at least two of them, no IP address
 * and no wildcard (HTTP-01 cannot prove one). Returns the ASCII form, or null when it is not one.
 */
export function toAsciiDomain(value: string): string | null {
  const trimmed = value.trim().replace(/\.$/, '')
  if (trimmed === '' || trimmed.length > 253 || !DOMAIN_INPUT.test(trimmed)) return null
  let ascii: string
  try {
    ascii = new URL(`http://${trimmed}/`).hostname
  } catch {
    return null
  }
  if (ascii.length > 253) return null
  const labels = ascii.split('.')
  if (labels.length < 2 || !labels.every((label) => LDH_LABEL.test(label))) return null
  // A purely numeric last label is an IPv4 address (or a typo for one), never a name a CA will certify.
  if (/^[0-9]+$/.test(labels.at(-1)!)) return null
  return ascii
}

export const RouteDomain = z
  .string()
  .max(253, 'A domain is at most 253 characters')
  .transform((value, ctx) => {
    const ascii = toAsciiDomain(value)
    if (ascii === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'Not a domain: labels of letters, digits and inner hyphens separated by dots, like app.example.com',
      })
      return z.NEVER
    }
    return ascii
  })

/** A URL path prefix: `/`, or segments of unreserved characters; no `..` segment, no doubled slash. */
/** Where HTTP-01 challenges are answered on every domain of the proxy (RFC 8555 §8.3). */
export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge'
export const ROUTE_PATH_PATTERN = /^\/[A-Za-z0-9._~/-]*$/
export const RoutePath = z
  .string()
  .max(256, 'A path is at most 256 characters')
  .regex(ROUTE_PATH_PATTERN, 'A path starts with / and holds only letters, digits and . _ ~ / -')
  .refine((path) => !path.split('/').some((s) => s === '..' || s === '.'), 'A path has no . or .. segment')
  .refine((path) => !path.includes('//'), 'A path has no empty segment (//)')
  .refine(
    (path) => !`${path}/`.startsWith(`${ACME_CHALLENGE_PATH}/`),
    `${ACME_CHALLENGE_PATH} answers the certificate authority's challenges: a route cannot take it`,
  )

// Routes ---------------------------------------------------------------------------------------------------

export const CreateRouteInput = z
  .object({
    serviceId: EntityId,
    domain: RouteDomain,
    path: RoutePath.default('/'),
    /** The container port the service listens on (not a host port: the proxy reaches it on the project network). */
    port: Port,
    /** Serve HTTPS with an ACME certificate (issued automatically), and redirect HTTP to it once it is valid. */
    tls: z.boolean().default(false),
  })
  .strict()
export type CreateRouteInput = z.input<typeof CreateRouteInput>

export const RouteIdInput = z.object({ id: EntityId }).strict()
export const ListRoutesInput = z.object({ hostId: EntityId.optional(), serviceId: EntityId.optional() }).strict()
export type ListRoutesInput = z.input<typeof ListRoutesInput>

export const RouteSummary = z.object({
  id: z.string(),
  hostId: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  /** ASCII (punycode) form, as nginx and the CA see it. */
  domain: z.string(),
  /** The domain as people write it (Unicode), when it differs from `domain`. */
  displayDomain: z.string(),
  path: z.string(),
  port: z.number(),
  tls: z.boolean(),
  /** `https://…` once a valid certificate is served, else `http://…`, with the proxy's port when not the default. */
  url: z.string(),
  createdAt: z.string(),
})
export type RouteSummary = z.infer<typeof RouteSummary>

// Proxy ----------------------------------------------------------------------------------------------------

export const DEFAULT_PROXY_IMAGE = 'nginx:1.27-alpine'
export const DEFAULT_HTTP_PORT = 80
export const DEFAULT_HTTPS_PORT = 443

/** A host's proxy settings, in the host body (`proxy: {image, httpPort, httpsPort}`). */
export const ProxySettingsInput = z
  .object({
    image: z
      .string()
      .max(255)
      .regex(/^[a-z0-9][a-z0-9._/:@-]*$/, 'Not an image reference')
      .optional(),
    httpPort: Port.optional(),
    httpsPort: Port.optional(),
  })
  .strict()
  .refine((p) => p.httpPort === undefined || p.httpPort !== p.httpsPort, {
    message: 'The HTTP and HTTPS ports must differ',
    path: ['httpsPort'],
  })
export type ProxySettingsInput = z.input<typeof ProxySettingsInput>

export const ProxySettings = z.object({ image: z.string(), httpPort: z.number(), httpsPort: z.number() })
export type ProxySettings = z.infer<typeof ProxySettings>

export const PROXY_STATUSES = ['absent', 'running', 'stopped', 'error'] as const
export const ProxyState = z.object({
  hostId: z.string(),
  settings: ProxySettings,
  /** `absent` until the first route on the host; `error` when the last apply failed (the previous config serves). */
  status: z.enum(PROXY_STATUSES),
  containerId: z.string().nullable(),
  /** sha256 of the rendered configuration nginx confirmed it serves. */
  configHash: z.string().nullable(),
  lastReloadAt: z.string().nullable(),
  /** The last failure, nginx's own words included; cleared by the next successful apply. */
  lastError: z.object({ message: z.string(), at: z.string() }).nullable(),
  routes: z.number(),
})
export type ProxyState = z.infer<typeof ProxyState>

export const ProxyHostInput = z.object({ hostId: EntityId }).strict()

/** "Test config": the configuration a change would produce, checked with `nginx -t` in the proxy, applied never. */
export const PreviewProxyInput = z
  .object({
    hostId: EntityId,
    /** A route to add in the preview. */
    add: CreateRouteInput.optional(),
    /** A route to leave out in the preview. */
    removeRouteId: EntityId.optional(),
  })
  .strict()
export type PreviewProxyInput = z.input<typeof PreviewProxyInput>

export const ProxyPreview = z.object({
  config: z.string(),
  hash: z.string(),
  /** Whether the proxy's `nginx -t` accepts the whole tree, with its output. */
  test: z.object({ ok: z.boolean(), output: z.string() }),
  /** Same as the live configuration: applying would change nothing. */
  unchanged: z.boolean(),
})
export type ProxyPreview = z.infer<typeof ProxyPreview>

// Certificates ---------------------------------------------------------------------------------------------

export const CERT_STATUSES = ['pending', 'issuing', 'valid', 'renewing', 'expiring', 'expired', 'failed'] as const
export const CertStatus = z.enum(CERT_STATUSES)
export type CertStatus = z.infer<typeof CertStatus>

export const CertSummary = z.object({
  domain: z.string(),
  status: CertStatus,
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  /** When renewal is due: inside the CA's ARI window when it offers one, else at one third of lifetime left. */
  renewalDueAt: z.string().nullable(),
  /** Where the due time came from. */
  renewalSource: z.enum(['ari', 'lifetime']).nullable(),
  /** The next attempt the scheduler will make (after a failure: with backoff or the CA's Retry-After). */
  nextAttemptAt: z.string().nullable(),
  lastError: z.object({ message: z.string(), at: z.string() }).nullable(),
  failures: z.number(),
  issuer: z.string().nullable(),
  serial: z.string().nullable(),
  /** The job issuing or renewing it right now. */
  jobId: z.string().nullable(),
  /** Routes serving it, by host. */
  hostIds: z.array(z.string()),
})
export type CertSummary = z.infer<typeof CertSummary>

export const CertDomainInput = z.object({ domain: RouteDomain }).strict()
export const CertJobStarted = z.object({ jobId: z.string(), domain: z.string() })
export type CertJobStarted = z.infer<typeof CertJobStarted>

// Events ---------------------------------------------------------------------------------------------------

export const RoutesChanged = z.object({ hostId: z.string() })
export const ProxyChanged = z.object({ hostId: z.string() })
export const CertsChanged = z.object({ domain: z.string() })
