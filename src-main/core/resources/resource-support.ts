import type Dockerode from 'dockerode'
import type { ResourceUser } from '../../../src-preload/contract/resources'
import { mapDockerError } from '../../infra/docker'
import { AppError } from '../shared/app-error'

/** Every container in any state: a stopped container still holds its image and volumes. */
export async function listAllContainers(docker: Dockerode): Promise<Dockerode.ContainerInfo[]> {
  try {
    return await docker.listContainers({ all: true })
  } catch (err) {
    throw mapDockerError(err, 'containers')
  }
}

export function toUser(info: Dockerode.ContainerInfo): ResourceUser {
  return { id: info.Id, name: (info.Names?.[0] ?? info.Id.slice(0, 12)).replace(/^\//, '') }
}

/** Groups containers under every key `keysOf` gives (image id, volume names, network ids). */
export function usersBy(
  containers: Dockerode.ContainerInfo[],
  keysOf: (info: Dockerode.ContainerInfo) => string[],
): Map<string, ResourceUser[]> {
  const byKey = new Map<string, ResourceUser[]>()
  for (const info of containers) {
    for (const key of new Set(keysOf(info))) {
      const users = byKey.get(key)
      if (users) users.push(toUser(info))
      else byKey.set(key, [toUser(info)])
    }
  }
  return byKey
}

/** The engine's `label=` filter semantics: every filter matches, `key` by presence and `key=value` exactly. */
export function labelsMatch(labels: Record<string, string> | null | undefined, filters: string[] | undefined): boolean {
  if (!filters || filters.length === 0) return true
  const set = labels ?? {}
  return filters.every((filter) => {
    const eq = filter.indexOf('=')
    if (eq === -1) return Object.prototype.hasOwnProperty.call(set, filter)
    const key = filter.slice(0, eq)
    return Object.prototype.hasOwnProperty.call(set, key) && set[key] === filter.slice(eq + 1)
  })
}

/** Docker's JSON filter map for prune calls, with label filters only when there are some. */
export function pruneFilters(
  labels: string[] | undefined,
  extra: Record<string, string[]> = {},
): Record<string, string[]> {
  return { ...extra, ...(labels && labels.length > 0 ? { label: labels } : {}) }
}

/** RFC 3339 from the engine (nanoseconds, offsets) as an ISO string; null when missing or unparsable. */
export function isoOrNull(value: string | undefined | null): string | null {
  if (!value) return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/** One sentence and a next step, naming what blocks the remove (Docker's own message names only an id). */
export function inUseError(what: string, users: ResourceUser[], nextStep: string): AppError {
  const names = users.map((user) => user.name)
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ')
  const noun = names.length === 1 ? 'container' : 'containers'
  return new AppError('conflict', `${what} is used by ${noun} ${shown}; ${nextStep}`)
}

export const statusOf = (err: unknown): number | undefined => {
  const status = (err as { statusCode?: unknown } | null)?.statusCode
  return typeof status === 'number' ? status : undefined
}
