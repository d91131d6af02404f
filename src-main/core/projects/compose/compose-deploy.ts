/**
 * Restart policies and resource limits. Compose takes each in two places (`restart` and
 * `deploy.restart_policy`, `mem_limit`/`cpus` and `deploy.resources.limits`); `settleDeploy` picks one.
 */
import type { RestartPolicy } from '../../../../src-preload/contract/projects'
import type { ServiceDraft } from '../service-spec'
import { invalid, unsupported, type ComposeReader } from './compose-reader'
import { parseByteSize } from './compose-units'
import type { Json } from './compose-yaml'

interface Limit {
  legacy?: number
  deploy?: number
  path?: string
}

export interface DeployParts {
  restart?: RestartPolicy
  deployRestart?: { policy: RestartPolicy; path: string }
  memory: Limit
  cpus: Limit
}

export function readRestart(r: ComposeReader, value: Json, path: string): RestartPolicy {
  // YAML 1.1 reads an unquoted `no` as false; compose files written for it say so.
  if (value === false) return { policy: 'no' }
  const text = r.text(value, path)
  if (text === 'no' || text === 'always' || text === 'unless-stopped' || text === 'on-failure') return { policy: text }
  const retries = /^on-failure:(\d{1,4})$/.exec(text)
  if (retries) return { policy: 'on-failure', maxRetries: Number(retries[1]) }
  throw invalid(path, `${JSON.stringify(text)} is not a restart policy (no, always, unless-stopped, on-failure[:N])`)
}

export function readDeploy(r: ComposeReader, value: Json, path: string, parts: DeployParts): void {
  for (const [key, setting] of Object.entries(r.map(value, path))) {
    const at = `${path}.${key}`
    if (key === 'resources') readResources(r, setting, at, parts)
    else if (key === 'restart_policy') parts.deployRestart = { policy: readRestartPolicy(r, setting, at), path: at }
    else if (key === 'replicas' && (setting === 1 || setting === '1')) continue
    else r.warn(at, key === 'replicas' ? 'glinrdock runs one container per service' : unsupported(key))
  }
}

function readResources(r: ComposeReader, value: Json, path: string, parts: DeployParts): void {
  for (const [key, setting] of Object.entries(r.map(value, path))) {
    const at = `${path}.${key}`
    if (key !== 'limits') {
      r.warn(at, key === 'reservations' ? 'Reservations are not supported; only limits are' : unsupported(key))
      continue
    }
    for (const [limit, amount] of Object.entries(r.map(setting, at))) {
      const limitPath = `${at}.${limit}`
      if (limit === 'memory') parts.memory = { ...parts.memory, deploy: readBytes(amount, limitPath), path: limitPath }
      else if (limit === 'cpus') parts.cpus = { ...parts.cpus, deploy: readCpus(amount, limitPath), path: limitPath }
      else r.warn(limitPath, unsupported(limit))
    }
  }
}

function readRestartPolicy(r: ComposeReader, value: Json, path: string): RestartPolicy {
  let policy: RestartPolicy = { policy: 'always' }
  let maxRetries: number | undefined
  for (const [key, setting] of Object.entries(r.map(value, path))) {
    const at = `${path}.${key}`
    if (key === 'condition') {
      const condition = r.text(setting, at)
      if (condition === 'none') policy = { policy: 'no' }
      else if (condition === 'on-failure') policy = { policy: 'on-failure' }
      else if (condition === 'any') policy = { policy: 'always' }
      else throw invalid(at, 'must be none, on-failure or any')
    } else if (key === 'max_attempts') maxRetries = r.integer(setting, at, 0, 1000)
    else r.warn(at, unsupported(key))
  }
  return policy.policy === 'on-failure' && maxRetries !== undefined ? { ...policy, maxRetries } : policy
}

export function readBytes(value: Json, path: string): number {
  const bytes = typeof value === 'number' || typeof value === 'string' ? parseByteSize(value) : null
  if (bytes === null) throw invalid(path, `${JSON.stringify(value)} is not a size (e.g. 512m, 1g)`)
  return bytes
}

export function readCpus(value: Json, path: string): number {
  const cpus = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value
  if (typeof cpus !== 'number' || !Number.isFinite(cpus) || cpus < 0)
    throw invalid(path, `${JSON.stringify(value)} is not a number of CPUs (e.g. 0.5)`)
  return cpus
}

const sameRestart = (a: RestartPolicy, b: RestartPolicy): boolean =>
  a.policy === b.policy && (a.maxRetries ?? 0) === (b.maxRetries ?? 0)

/** `restart` wins over `deploy.restart_policy`, and `deploy.resources.limits` over the legacy keys, as in `docker compose`. */
export function settleDeploy(r: ComposeReader, parts: DeployParts): Pick<ServiceDraft, 'restart' | 'resources'> {
  const restart = parts.restart ?? parts.deployRestart?.policy ?? { policy: 'no' }
  if (parts.restart && parts.deployRestart && !sameRestart(parts.restart, parts.deployRestart.policy))
    r.warn(parts.deployRestart.path, 'Conflicts with restart, which is used')
  const memoryBytes = pick(r, parts.memory, 'mem_limit')
  const cpus = pick(r, parts.cpus, 'cpus')
  return {
    restart,
    resources: {
      ...(memoryBytes !== undefined ? { memoryBytes } : {}),
      ...(cpus !== undefined ? { cpus } : {}),
    },
  }
}

function pick(r: ComposeReader, setting: Limit, legacy: string): number | undefined {
  if (setting.deploy !== undefined && setting.legacy !== undefined && setting.deploy !== setting.legacy)
    r.warn(setting.path!, `Conflicts with ${legacy}; this limit is used`)
  return setting.deploy ?? setting.legacy
}
