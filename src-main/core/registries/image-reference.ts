import { DOCKER_HUB, isImageReference, normalizeRegistryServer } from '../../../src-preload/contract/grammar'
import { AppError } from '../shared/app-error'

export interface ImageReference {
  /** The registry the engine pulls from, normalized like stored logins (`docker.io` for Docker Hub). */
  registry: string
  /** The engine's `fromImage`: the reference as given, without tag or digest. */
  name: string
  tag: string | null
  digest: string | null
}

/**
 * Splits a reference the way Docker does (distribution/reference): the first path component names a registry
 * only when it contains `.` or `:` or is `localhost`; otherwise the image is on Docker Hub (`nginx`,
 * `library/nginx`, `team/app`). Refuses image ids and anything outside the reference grammar.
 */
export function parseImageReference(reference: string): ImageReference {
  if (!isImageReference(reference)) {
    throw new AppError('validation', `Not an image reference: ${JSON.stringify(reference.slice(0, 100))}`, 'reference')
  }
  let rest = reference
  let digest: string | null = null
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  let tag: string | null = null
  const colon = rest.lastIndexOf(':')
  // A `:` before the last `/` is a registry port (`localhost:5000/app`), not a tag.
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const slash = rest.indexOf('/')
  const first = slash === -1 ? '' : rest.slice(0, slash)
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost'
  // The grammar lets any first component read as a domain; one that is not a registry is a path component,
  // which must be lowercase (`UPPER/app` is refused by Docker too).
  if (!hasRegistry && /[A-Z]/.test(rest)) {
    throw new AppError('validation', 'Repository names must be lowercase', 'reference')
  }
  const registry = hasRegistry ? normalizeRegistryServer(first) : DOCKER_HUB
  if (registry === null) {
    throw new AppError('validation', `Not a registry host in image reference: ${first}`, 'reference')
  }
  return { registry, name: rest, tag, digest }
}

/** The engine's `tag` parameter: the digest when there is one (it wins over a tag, as in the docker CLI), else the tag or `latest`. */
export const engineTag = (ref: ImageReference): string => ref.digest ?? ref.tag ?? 'latest'
