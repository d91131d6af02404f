import { createHash } from 'node:crypto'
import { LABELS, projectNetworkName, serviceContainerName } from '../../../src-preload/contract/projects'
import { AppError } from '../shared/app-error'
import type { ProjectRef, ResolvedSpec } from './service-spec'

/** What the engine is asked to create for a service: its name, the `POST /containers/create` body, its hash. */
export interface ContainerPlan {
  name: string
  body: Record<string, unknown>
  /** Also on the container as the `io.glinrdock.spec-hash` label: a container without this hash has drifted. */
  specHash: string
}

// Go's `time.ParseDuration` units in nanoseconds.
const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}
const DURATION_PART = /(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h)/y

/**
 * A Go duration (`1m30s`, `500ms`, `1.5s`) in nanoseconds, as the engine's health check fields take them.
 * Counted in BigInt so `1.1s` is exactly 1100000000 (floating point would make it ...0000002); fractions below a
 * nanosecond are truncated, as Go does.
 */
export function durationToNanos(duration: string): number {
  let total = 0n
  DURATION_PART.lastIndex = 0
  let matched = 0
  while (matched < duration.length) {
    const part = DURATION_PART.exec(duration)
    if (!part) break
    const unit = UNIT_NANOS[part[3]!]!
    const fraction = part[2] ?? ''
    total += BigInt(part[1]!) * unit + (BigInt(fraction || '0') * unit) / 10n ** BigInt(fraction.length)
    matched = DURATION_PART.lastIndex
  }
  if (duration === '' || matched !== duration.length)
    throw new AppError('validation', `Not a duration: ${duration} (e.g. 30s, 1m30s, 500ms)`, 'healthcheck')
  if (total > BigInt(Number.MAX_SAFE_INTEGER))
    throw new AppError('validation', `The duration ${duration} is too long`, 'healthcheck')
  return Number(total)
}

/** Decimal `whole.fraction` with the fraction's trailing zeros dropped: `(1500, 1000)` is `1.5`. */
function decimal(value: number, per: number): string {
  const whole = Math.floor(value / per)
  const rest = value % per
  if (rest === 0) return String(whole)
  const digits = String(per).length - 1
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`
}

/**
 * Nanoseconds as the shortest Go duration that reads naturally: `30s`, `1m30s`, `2h`, `500ms`, `1.5s`. Unlike
 * Go's `String()` zero parts are left out (`2h`, not `2h0m0s`); `durationToNanos` reads every form back.
 */
export function nanosToDuration(nanos: number): string {
  if (!Number.isSafeInteger(nanos) || nanos < 0) throw new RangeError(`Not a duration in nanoseconds: ${nanos}`)
  if (nanos === 0) return '0s'
  if (nanos < 1_000) return `${nanos}ns`
  if (nanos < 1_000_000) return `${decimal(nanos, 1_000)}us`
  if (nanos < 1_000_000_000) return `${decimal(nanos, 1_000_000)}ms`
  const hours = Math.floor(nanos / 3_600_000_000_000)
  const minutes = Math.floor((nanos % 3_600_000_000_000) / 60_000_000_000)
  const seconds = nanos % 60_000_000_000
  return (
    (hours ? `${hours}h` : '') + (minutes ? `${minutes}m` : '') + (seconds ? `${decimal(seconds, 1_000_000_000)}s` : '')
  )
}

/** The probe an HTTP health check runs; adoption recognises it to map it back. */
export const httpProbe = (port: number, path: string): string[] => [
  'CMD',
  'wget',
  '-q',
  '--spider',
  `http://127.0.0.1:${port}${path}`,
]

function healthcheckBody(check: ResolvedSpec['healthcheck']): Record<string, unknown> | undefined {
  if (!check) return undefined
  const test =
    check.type === 'http' ? httpProbe(check.port ?? 80, check.path ?? '/') : ['CMD', ...(check.command ?? [])]
  return {
    Test: test,
    ...(check.interval !== undefined ? { Interval: durationToNanos(check.interval) } : {}),
    ...(check.timeout !== undefined ? { Timeout: durationToNanos(check.timeout) } : {}),
    ...(check.startPeriod !== undefined ? { StartPeriod: durationToNanos(check.startPeriod) } : {}),
    ...(check.retries !== undefined ? { Retries: check.retries } : {}),
  }
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The create body without the spec-hash label. Order-insensitive parts are sorted so reordering them in the editor
 * does not recreate the container: env by key (keys are unique), mounts by target (the engine sorts mounts by
 * destination itself), a port's host bindings by address (they are a set). Exposed ports and bindings are keyed
 * objects, so their order never counts either.
 */
function bodyWithoutHash(project: ProjectRef, serviceId: string, spec: ResolvedSpec): Record<string, unknown> {
  const network = projectNetworkName(project.name)

  const exposed: Record<string, Record<string, never>> = {}
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {}
  for (const port of spec.ports) {
    const key = `${port.container}/${port.protocol}`
    exposed[key] = {}
    if (port.host === undefined) continue
    ;(bindings[key] ??= []).push({ HostIp: port.hostIp ?? '', HostPort: String(port.host) })
  }
  for (const list of Object.values(bindings))
    list.sort((a, b) => byString(a.HostIp, b.HostIp) || Number(a.HostPort) - Number(b.HostPort))

  const mounts = [...spec.volumes]
    .sort((a, b) => byString(a.target, b.target))
    .map((volume) => ({
      Type: volume.type,
      ...(volume.source !== undefined ? { Source: volume.source } : {}),
      Target: volume.target,
      ReadOnly: volume.readOnly,
    }))

  // The engine refuses a retry count with any policy but on-failure.
  const restart = {
    Name: spec.restart.policy,
    MaximumRetryCount: spec.restart.policy === 'on-failure' ? (spec.restart.maxRetries ?? 0) : 0,
  }
  const healthcheck = healthcheckBody(spec.healthcheck)
  const { memoryBytes, cpus } = spec.resources

  return {
    Image: spec.image,
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    Env: [...spec.env].sort((a, b) => byString(a.key, b.key)).map((v) => `${v.key}=${v.value}`),
    ...(spec.user ? { User: spec.user } : {}),
    Labels: { ...spec.labels, [LABELS.project]: project.id, [LABELS.service]: serviceId },
    ExposedPorts: exposed,
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    HostConfig: {
      PortBindings: bindings,
      Mounts: mounts,
      RestartPolicy: restart,
      ...(memoryBytes !== undefined ? { Memory: memoryBytes } : {}),
      ...(cpus !== undefined ? { NanoCpus: Math.round(cpus * 1e9) } : {}),
      NetworkMode: network,
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [spec.name] } } },
  }
}

/** JSON with every object's keys sorted, recursively: the same body always serialises the same way. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => byString(a, b))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const hashBody = (body: Record<string, unknown>): string =>
  createHash('sha256').update(canonicalJson(body)).digest('hex')

/**
 * The desired state's name, like compose's `config-hash`: sha256 of the canonical create body (without the hash
 * label itself). Only what reaches the container counts, so `autoDeploy` and `dependsOn` never change it.
 */
export function specHash(project: ProjectRef, serviceId: string, spec: ResolvedSpec): string {
  return hashBody(bodyWithoutHash(project, serviceId, spec))
}

/** The container to create; a service built from git needs its image first (the hash does not: it names the spec). */
export function planContainer(project: ProjectRef, serviceId: string, spec: ResolvedSpec): ContainerPlan {
  if (!spec.image)
    throw new AppError('validation', `The service ${spec.name} has no image yet: build it or set an image`, 'image')
  const body = bodyWithoutHash(project, serviceId, spec)
  const hash = hashBody(body)
  body.Labels = { ...(body.Labels as Record<string, string>), [LABELS.specHash]: hash }
  return { name: serviceContainerName(project.name, spec.name), body, specHash: hash }
}
