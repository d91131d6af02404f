import { z } from 'zod'

/**
 * Upstream grammars, so bad input stops at the boundary with the same rules the tools behind us use.
 * Everything here must also run in the renderer, so no Node built-ins.
 */
const RFC1123_HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

function isIpv6(value: string): boolean {
  if (!value.includes(':') || !/^[0-9a-fA-F:.]+$/.test(value)) return false
  try {
    // WHATWG URL parsing implements the full IPv6 grammar (compression, embedded IPv4).
    new URL(`http://[${value}]/`)
    return true
  } catch {
    return false
  }
}

export const isHostNameOrAddress = (value: string): boolean =>
  IPV4.test(value) || isIpv6(value) || (RFC1123_HOSTNAME.test(value) && !/^[\d.]+$/.test(value))

export const NetworkHost = z
  .string()
  .trim()
  .min(1, 'Host is required')
  .refine(isHostNameOrAddress, 'Must be a host name (RFC 1123) or an IP address')

export const Port = z.number().int().min(1).max(65535)

/** POSIX portable user names, as OpenSSH accepts them (no shell metacharacters, no leading dash). */
export const SshUsername = z
  .string()
  .min(1, 'User name is required')
  .max(64)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/, 'Not a valid user name')

export const AbsolutePath = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^\/[^\0]*$/, 'Must be an absolute path')

/** `ssh-keygen -lf -E sha256` prints `SHA256:` and 43 characters of unpadded base64. */
export const Sha256Fingerprint = z
  .string()
  .trim()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'Must be a SHA256 fingerprint as ssh-keygen prints it (SHA256:…)')

/**
 * A container id (full or a prefix) or name, as the engine accepts it: Docker's name grammar
 * `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, which hex ids match too. The one leading `/` Docker itself puts before
 * names (`docker inspect` shows `/web`) is stripped; any other `/` is refused, because the engine
 * answers a path with `//` or `/../` with a redirect, not with the container.
 */
/** Docker's name grammar, which hex ids match too; the main process checks it again before any engine path. */
export const CONTAINER_REF_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/

export const ContainerRef = z
  .string()
  .max(128)
  .transform((value) => (value.startsWith('/') ? value.slice(1) : value))
  .pipe(z.string().regex(CONTAINER_REF_PATTERN, 'Not a container id or name'))

export const DisplayName = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(64, 'Name must be at most 64 characters')
  .regex(/^[\p{L}\p{N} ._@:/()-]+$/u, 'Name may contain letters, digits, spaces and . _ @ : / ( ) -')

export const EntityId = z.string().regex(/^[a-z0-9]{12}$/, 'Not an id')

// Docker's reference grammar (distribution/reference), without IPv6 registry hosts.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*'
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    '(?::[\\w][\\w.-]{0,127})?' +
    '(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$',
)
const IMAGE_ID = /^(sha256:[0-9a-f]{64}|[0-9a-f]{12,64})$/

/**
 * An image id (`sha256:` and 64 hex, or 12–64 hex) or a reference `[registry[:port]/]repo[:tag][@digest]`.
 * Every component starts with an alphanumeric, so `/..`, `//`, a leading `-` and whitespace never pass:
 * the engine's image routes take the rest of the path, which it would clean and redirect.
 */
export const ImageRef = z
  .string()
  .min(1, 'Image is required')
  .max(512)
  .refine((value) => IMAGE_ID.test(value) || REFERENCE.test(value), 'Not an image id or reference')

/** Docker's volume name grammar (`daemon/names`): two or more characters. */
export const VolumeName = z
  .string()
  .max(255)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'Not a volume name')

/**
 * A network id (or prefix) or name. The engine itself accepts almost any name; we admit the container name
 * grammar, which every network glinrdock or compose creates follows and which cannot form a path.
 */
export const NetworkRef = z
  .string()
  .max(128)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'Not a network id or name')

/**
 * A label filter as the engine's prune and list endpoints take it: `key` (the label is set) or `key=value`.
 * Label keys follow Docker's recommendation (reverse DNS, letters, digits, `.`, `-`, `_`, `/`).
 */
export const LabelFilter = z
  .string()
  .max(512)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/-]{0,127}(=[^\0\r\n]{0,256})?$/, 'Not a label filter (key or key=value)')

/**
 * A full image reference (`[registry[:port]/]repo[:tag][@digest]`) and never an image id: what a pull takes.
 * `sha256:<64 hex>` fits the grammar as repository `sha256` with a tag, and Docker refuses 64-hex names.
 */
export const isImageReference = (value: string): boolean =>
  value.length <= 512 && REFERENCE.test(value) && !/^(sha256:)?[0-9a-f]{64}$/.test(value)

/** Docker Hub's name in stored registry logins, and the registry of every reference without a registry part. */
export const DOCKER_HUB = 'docker.io'
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io'])
const REGISTRY_HOST_PORT = /^([^:]+)(?::(\d{1,5}))?$/

/**
 * A registry server as image references name it: lowercase `host[:port]`, Docker Hub's aliases folded into
 * `docker.io`. The host must look like a registry the way Docker decides it in a reference (a `.` or a port, or
 * `localhost`), or no image could ever be pulled with the login. Also accepts the forms `docker login` users
 * paste (`https://index.docker.io/v1/`, `http://host:5000/v2/`). Answers null for anything else.
 */
export function normalizeRegistryServer(value: string): string | null {
  const bare = value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/(v[12]\/?)?$/, '')
  const match = REGISTRY_HOST_PORT.exec(bare)
  if (!match) return null
  const host = match[1]!
  const port = match[2]
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535 || port.startsWith('0'))) return null
  // IPv6 literals (bracketed) are left out, like the reference grammar above leaves them out.
  if (!isHostNameOrAddress(host) || host.includes(':')) return null
  if (port === undefined && !host.includes('.') && host !== 'localhost') return null
  if (port === undefined && DOCKER_HUB_ALIASES.has(host)) return DOCKER_HUB
  return port === undefined ? host : `${host}:${port}`
}

export const RegistryServer = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    const server = normalizeRegistryServer(value)
    if (server === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'Must be a registry host[:port] with a dot or a port, or localhost (e.g. registry.example.com:5000)',
      })
      return z.NEVER
    }
    return server
  })
