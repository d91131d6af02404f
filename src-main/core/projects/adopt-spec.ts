import {
  EnvKey,
  GLINRDOCK_LABEL_PREFIX,
  Labels,
  projectNetworkName,
  RESTART_POLICIES,
  type ComposeWarning,
} from '../../../src-preload/contract/projects'
import { canonicalJson, nanosToDuration } from './container-config'
import type { ServiceDraft } from './service-spec'

/** A service proposed from a running container, and everything about it the spec could not carry over. */
export interface AdoptedDraft {
  draft: ServiceDraft
  warnings: ComposeWarning[]
}

export interface AdoptOptions {
  /**
   * The project the container joins: being on its network is no loss, and a `<project>-` prefix is dropped from the
   * container's name, so the container glinrdock would recreate is named as before.
   */
  projectName?: string
  /** The project's network, when only it is known (`projectName` implies it). */
  projectNetwork?: string
}

type Json = Record<string, unknown>
type Draft<K extends keyof ServiceDraft> = NonNullable<ServiceDraft[K]>

const obj = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {}
const str = (value: unknown): string => (typeof value === 'string' ? value : '')
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
const strings = (value: unknown): string[] | null =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : null
const sameJson = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null)
const isSet = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.length > 0
    : typeof value === 'string'
      ? value !== ''
      : Object.keys(obj(value)).length > 0

const SECRET_KEY = /(PASS(WORD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i
/** Compose and the engine name anonymous volumes (`VOLUME` in an image, `-v /path`) by 64 hex digits. */
const ANONYMOUS_VOLUME = /^[0-9a-f]{64}$/
const ANY_ADDRESS = new Set(['', '0.0.0.0', '::'])
const HTTP_PROBE = /^http:\/\/127\.0\.0\.1:(\d{1,5})(\/[A-Za-z0-9._~/-]*)$/
const LOST = 'it stays on the running container, but a recreate by glinrdock would drop it'

/** Any name as a service name: lowercase, `[a-z0-9_-]`, starting and ending with a letter or digit, at most 63. */
export function toServiceName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63)
    .replace(/[^a-z0-9]+$/, '')
  return name || 'service'
}

/**
 * Compose's service name when compose made the container, else the container's own name, without the
 * `<project>-` prefix glinrdock itself puts before service names when the project is known.
 */
export function suggestServiceName(container: Json, projectName?: string): string {
  const composeService = str(obj(obj(container.Config).Labels)['com.docker.compose.service'])
  if (composeService) return toServiceName(composeService)
  const name = str(container.Name).replace(/^\//, '')
  const prefix = projectName === undefined ? '' : `${projectName}-`
  const own = prefix && name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name
  return toServiceName(own || str(container.Id).slice(0, 12))
}

const parsePortKey = (key: string): { container: number; protocol: 'tcp' | 'udp' } | null => {
  const match = /^(\d{1,5})\/(tcp|udp)$/.exec(key)
  const container = Number(match?.[1])
  return match && container >= 1 && container <= 65535 ? { container, protocol: match[2] as 'tcp' | 'udp' } : null
}

function adoptPorts(config: Json, host: Json, imageConfig: Json, warn: Warn): Draft<'ports'> {
  const ports: Draft<'ports'> = []
  const exposeOnly = new Set<string>()
  const handled = new Set(Object.keys(obj(imageConfig.ExposedPorts)))
  for (const [key, list] of Object.entries(obj(host.PortBindings))) {
    const path = `HostConfig.PortBindings.${key}`
    const port = parsePortKey(key)
    handled.add(key)
    if (!port) {
      warn(path, `Port ${key} is published, but glinrdock maps only TCP and UDP ports; ${LOST}`)
      continue
    }
    for (const binding of Array.isArray(list) && list.length > 0 ? list : [{}]) {
      const hostPort = str(obj(binding).HostPort)
      const hostIp = str(obj(binding).HostIp)
      if (hostPort === '') {
        if (Array.isArray(list) && list.length > 0)
          warn(
            path,
            `Port ${key} is published on a host port the engine picked: adopted as reachable on the project network only (give it a host port to publish it)`,
          )
        exposeOnly.add(key)
        continue
      }
      const hostNumber = Number(hostPort)
      if (!Number.isInteger(hostNumber) || hostNumber < 1 || hostNumber > 65535) {
        warn(path, `Port ${key} is published on host port ${hostPort}, which glinrdock cannot express; ${LOST}`)
        continue
      }
      ports.push({ ...port, host: hostNumber, ...(ANY_ADDRESS.has(hostIp) ? {} : { hostIp }) })
    }
  }
  for (const key of Object.keys(obj(config.ExposedPorts))) {
    if (handled.has(key)) continue
    if (parsePortKey(key)) exposeOnly.add(key)
    else warn(`Config.ExposedPorts.${key}`, `Port ${key} is exposed, but glinrdock maps only TCP and UDP ports`)
  }
  for (const key of exposeOnly) {
    const port = parsePortKey(key)!
    if (!ports.some((p) => p.container === port.container && p.protocol === port.protocol)) ports.push(port)
  }
  const order = (p: Draft<'ports'>[number]): string =>
    `${String(p.container).padStart(5, '0')}/${p.protocol ?? 'tcp'}/${p.hostIp ?? ''}/${String(p.host ?? 0).padStart(5, '0')}`
  return ports.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
}

function adoptVolumes(container: Json, warn: Warn): Draft<'volumes'> {
  const volumes: Draft<'volumes'> = []
  for (const item of Array.isArray(container.Mounts) ? container.Mounts : []) {
    const mount = obj(item)
    const target = str(mount.Destination)
    const readOnly = mount.RW === false
    const path = `Mounts[${target}]`
    const type = str(mount.Type)
    if (type === 'volume') {
      const source = str(mount.Name)
      if (ANONYMOUS_VOLUME.test(source))
        warn(
          path,
          `${target} is an anonymous volume: adopted under its generated name ${source.slice(0, 12)}… so its data stays attached; give it a name to keep it recognisable`,
        )
      volumes.push({ type: 'volume', source, target, readOnly })
    } else if (type === 'bind') {
      const source = str(mount.Source)
      warn(
        path,
        `${target} is a bind mount of the host's ${source}: adopted as confirmed, check that the container should see these host files`,
      )
      if (!['', 'rprivate'].includes(str(mount.Propagation)))
        warn(path, `The bind mount of ${target} uses ${str(mount.Propagation)} propagation; ${LOST}`)
      volumes.push({ type: 'bind', source, target, readOnly, confirmBind: true })
    } else {
      warn(path, `${target} is a ${type || 'unknown'} mount, which glinrdock cannot express; ${LOST}`)
    }
  }
  return volumes.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0))
}

function adoptHealthcheck(config: Json, imageConfig: Json, warn: Warn): ServiceDraft['healthcheck'] {
  const own = config.Healthcheck
  if (own === undefined || own === null || sameJson(own, imageConfig.Healthcheck)) return null
  const check = obj(own)
  const test = strings(check.Test) ?? []
  if (test[0] === 'NONE') {
    if ((strings(obj(imageConfig.Healthcheck).Test) ?? ['NONE'])[0] !== 'NONE')
      warn(
        'Config.Healthcheck',
        `The container turns the image's health check off, which glinrdock cannot express: a recreated container would run the image's check`,
      )
    return null
  }
  const nanos = (value: unknown): string | undefined => (num(value) > 0 ? nanosToDuration(num(value)) : undefined)
  const timing = {
    ...(nanos(check.Interval) ? { interval: nanos(check.Interval) } : {}),
    ...(nanos(check.Timeout) ? { timeout: nanos(check.Timeout) } : {}),
    ...(num(check.Retries) > 0 ? { retries: num(check.Retries) } : {}),
    ...(nanos(check.StartPeriod) ? { startPeriod: nanos(check.StartPeriod) } : {}),
  }
  const argv = test.slice(1)
  if (test[0] === 'CMD' && argv.length > 0) {
    const probe = argv.length === 4 && argv.slice(0, 3).join(' ') === 'wget -q --spider' && HTTP_PROBE.exec(argv[3]!)
    const port = Number(probe ? probe[1] : 0)
    if (probe && port >= 1 && port <= 65535) return { type: 'http', port, path: probe[2]!, ...timing }
    return { type: 'command', command: argv, ...timing }
  }
  if (test[0] === 'CMD-SHELL' && argv.length > 0)
    return { type: 'command', command: ['/bin/sh', '-c', argv.join(' ')], ...timing }
  if (test.length > 0)
    warn('Config.Healthcheck', `The health check ${test[0]} is not one glinrdock understands; ${LOST}`)
  return null
}

/** Settings the spec has no field for, checked against the engine's defaults (`docker run` without flags). */
const UNSUPPORTED: [field: string, differs: (value: unknown, host: Json) => boolean][] = [
  ...['Privileged', 'ReadonlyRootfs', 'Init', 'PublishAllPorts', 'AutoRemove', 'OomKillDisable'].map(
    (field) => [field, (value: unknown) => value === true] as [string, (value: unknown) => boolean],
  ),
  ...[
    'CapAdd',
    'CapDrop',
    'Devices',
    'DeviceRequests',
    'DeviceCgroupRules',
    'ExtraHosts',
    'Dns',
    'DnsOptions',
    'DnsSearch',
    'Tmpfs',
    'Ulimits',
    'SecurityOpt',
    'Sysctls',
    'GroupAdd',
    'Links',
    'VolumesFrom',
    'PidMode',
    'UTSMode',
    'UsernsMode',
    'CpusetCpus',
    'CpusetMems',
    'CgroupParent',
  ].map((field) => [field, isSet] as [string, (value: unknown) => boolean]),
  ...['CpuShares', 'CpuQuota', 'CpuPeriod', 'MemoryReservation', 'BlkioWeight', 'PidsLimit'].map(
    (field) => [field, (value: unknown) => num(value) > 0] as [string, (value: unknown) => boolean],
  ),
  ['OomScoreAdj', (value) => num(value) !== 0],
  ['IpcMode', (value) => !['', 'private', 'shareable'].includes(str(value))],
  ['Runtime', (value) => !['', 'runc'].includes(str(value))],
  ['ShmSize', (value) => ![0, 64 * 1024 * 1024].includes(num(value))],
  // The engine doubles the memory limit for swap when only --memory is given.
  ['MemorySwap', (value, host) => ![0, 2 * num(host.Memory)].includes(num(value))],
  ['LogConfig', (value) => !['', 'json-file'].includes(str(obj(value).Type)) || isSet(obj(value).Config)],
]

function warnUnsupported(container: Json, imageConfig: Json, options: AdoptOptions, warn: Warn): void {
  const config = obj(container.Config)
  const host = obj(container.HostConfig)
  const show = (value: unknown): string => {
    const text = JSON.stringify(value) ?? String(value)
    return text.length > 80 ? `${text.slice(0, 79)}…` : text
  }
  for (const [field, differs] of UNSUPPORTED)
    if (host[field] !== undefined && host[field] !== null && differs(host[field], host))
      warn(`HostConfig.${field}`, `${field} is set (${show(host[field])}), which glinrdock cannot express; ${LOST}`)

  const configChecks: [string, boolean][] = [
    ['WorkingDir', str(config.WorkingDir) !== str(imageConfig.WorkingDir)],
    ['StopSignal', str(config.StopSignal) !== str(imageConfig.StopSignal)],
    ['StopTimeout', num(config.StopTimeout) > 0],
    ['Tty', config.Tty === true],
    ['OpenStdin', config.OpenStdin === true],
    ['Hostname', str(config.Hostname) !== '' && !str(container.Id).startsWith(str(config.Hostname))],
    ['Domainname', str(config.Domainname) !== ''],
  ]
  for (const [field, differs] of configChecks)
    if (differs)
      warn(`Config.${field}`, `${field} is set (${show(config[field])}), which glinrdock cannot express; ${LOST}`)

  const mode = str(host.NetworkMode)
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:'))
    warn('HostConfig.NetworkMode', `The container uses network mode ${mode}; ${LOST} and join the project network`)
  const composeProject = str(obj(config.Labels)['com.docker.compose.project'])
  const projectNetwork =
    options.projectNetwork ?? (options.projectName === undefined ? '' : projectNetworkName(options.projectName))
  const expected = new Set(['bridge', 'host', 'none', composeProject && `${composeProject}_default`, projectNetwork])
  for (const network of Object.keys(obj(obj(container.NetworkSettings).Networks)))
    if (!expected.has(network))
      warn(
        `NetworkSettings.Networks.${network}`,
        `The container is attached to the network ${network}; ${LOST} and attach it to the project network only`,
      )
}

type Warn = (path: string, message: string) => void

/**
 * A service draft from `GET /containers/:id/json` and `GET /images/:id/json` of its image, keeping only what differs
 * from the image's defaults (so a later image update still brings its new defaults). What the spec cannot express
 * becomes a warning naming the inspect path; the draft still goes through `CreateServiceInput`.
 */
export function draftFromInspect(container: Json, image: Json | null, options: AdoptOptions = {}): AdoptedDraft {
  const warnings: ComposeWarning[] = []
  const warn: Warn = (path, message) => warnings.push({ path, message })
  const config = obj(container.Config)
  const host = obj(container.HostConfig)
  const imageConfig = obj(image?.Config)
  if (!image)
    warn('Image', `The container's image could not be inspected: its defaults are adopted as explicit settings`)

  const cmd = strings(config.Cmd)
  const entry = strings(config.Entrypoint)
  const imageCmd = strings(imageConfig.Cmd)
  const command = cmd?.length && !sameJson(cmd, imageCmd) ? cmd : null
  // Given an entrypoint, the engine drops the image's command: keep one equal to the image's when the container
  // runs without the image's command, or a recreate would bring that command back.
  const keepEntry = !sameJson(entry, imageConfig.Entrypoint) || (!cmd?.length && !!imageCmd?.length)
  const entrypoint = entry?.length && keepEntry ? entry : null

  const imageEnv = new Set(strings(imageConfig.Env) ?? [])
  const env: Draft<'env'> = []
  for (const entryText of strings(config.Env) ?? []) {
    if (imageEnv.has(entryText)) continue
    const eq = entryText.indexOf('=')
    const key = eq < 0 ? entryText : entryText.slice(0, eq)
    if (!EnvKey.safeParse(key).success) {
      warn('Config.Env', `The variable ${key.slice(0, 64)} has a name glinrdock does not accept; ${LOST}`)
      continue
    }
    env.push({ key, value: eq < 0 ? '' : entryText.slice(eq + 1), secret: SECRET_KEY.test(key) })
  }

  const policy = obj(host.RestartPolicy)
  const policyName = (RESTART_POLICIES as readonly string[]).includes(str(policy.Name)) ? str(policy.Name) : 'no'
  const retries = num(policy.MaximumRetryCount)
  const restart = {
    policy: policyName as (typeof RESTART_POLICIES)[number],
    ...(policyName === 'on-failure' && retries > 0 ? { maxRetries: retries } : {}),
  }

  const imageLabels = obj(imageConfig.Labels)
  const labels: Record<string, string> = {}
  for (const [key, value] of Object.entries(obj(config.Labels))) {
    if (typeof value !== 'string' || imageLabels[key] === value) continue
    if (key.startsWith('com.docker.compose.') || key.startsWith(GLINRDOCK_LABEL_PREFIX)) continue
    if (Labels.safeParse({ [key]: value }).success) labels[key] = value
    else warn(`Config.Labels.${key}`, `The label ${key.slice(0, 64)} is not one glinrdock accepts; ${LOST}`)
  }

  const name = suggestServiceName(container, options.projectName)
  const dependsOn = [
    ...new Set(
      str(obj(config.Labels)['com.docker.compose.depends_on'])
        .split(',')
        .map((item) => item.trim().split(':')[0]!)
        .filter((item) => item !== '')
        .map(toServiceName),
    ),
  ].filter((dep) => dep !== name)

  const memory = num(host.Memory)
  const nanoCpus = num(host.NanoCpus)
  warnUnsupported(container, imageConfig, options, warn)

  const draft: ServiceDraft = {
    name,
    image: str(config.Image) || str(container.Image),
    git: null,
    command,
    entrypoint,
    // Sorted like the create body sorts them: the engine keeps no meaningful order (`docker run -e` shuffles).
    env: env.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    ports: adoptPorts(config, host, imageConfig, warn),
    volumes: adoptVolumes(container, warn),
    restart,
    healthcheck: adoptHealthcheck(config, imageConfig, warn),
    resources: { ...(memory > 0 ? { memoryBytes: memory } : {}), ...(nanoCpus > 0 ? { cpus: nanoCpus / 1e9 } : {}) },
    user: str(config.User) || null,
    labels,
    dependsOn,
    autoDeploy: false,
  }
  return { draft, warnings }
}
