import { CST, Lexer, parseAllDocuments } from 'yaml'
import {
  GLINRDOCK_LABEL_PREFIX,
  MAX_COMPOSE_BYTES,
  ServiceName,
  projectNetworkName,
  serviceContainerName,
  type ComposeWarning,
  type GitSource,
  type Healthcheck,
  type PortMapping,
  type RestartPolicy,
  type VolumeMount,
} from '../../../../src-preload/contract/projects'
import { AppError } from '../../shared/app-error'
import { httpProbe } from '../container-config'
import type { ServiceDraft } from '../service-spec'
import {
  interpolate,
  isComposeDuration,
  isSecretKey,
  parseByteSize,
  parseDotEnv,
  parsePortSpec,
  splitShellWords,
  splitVolumeSpec,
} from './compose-units'

export interface ComposeImport {
  drafts: ServiceDraft[]
  warnings: ComposeWarning[]
}

export interface ComposeImportOptions {
  projectName: string
  /** Include bind mounts of absolute host paths (with `confirmBind: true`); otherwise they are left out. */
  confirmBinds: boolean
  /** `env_file` contents the user pasted, by the path the file names. */
  envFiles: Record<string, string>
}

type Json = null | boolean | number | string | Json[] | JsonMap
interface JsonMap {
  [key: string]: Json
}

type EnvDraft = { key: string; value?: string; secret: boolean }

/** Indentation, block indicators and open brackets on one line: far above any real file, far below the stack. */
const MAX_LEXICAL_DEPTH = 256
const MAX_DEPTH = 64
/** Compose files share settings through anchors (`<<: *common`); an alias bomb needs thousands of expansions. */
const MAX_ALIASES = 100
const MAX_PORTS = 256

const yamlError = (message: string): AppError => new AppError('validation', message, 'yaml')
const invalid = (path: string, message: string): AppError => new AppError('validation', `${path}: ${message}`, path)
const isMap = (value: unknown): value is JsonMap => typeof value === 'object' && value !== null && !Array.isArray(value)
/** Reads a key the file may or may not have: never an inherited property (`constructor`, `toString`). */
const own = (map: JsonMap, key: string): Json | undefined => (Object.hasOwn(map, key) ? map[key] : undefined)
const quoted = (names: string[]): string => names.map((name) => `\${${name}}`).join(', ')

/**
 * The library's composer recurses once per nesting level, and a 512 KiB run of `{` exhausts the heap before it
 * reports anything. Its lexer does not recurse, so the depth is bounded on the token stream before composing.
 */
function checkLexicalDepth(text: string): void {
  let flow = 0
  let indent = 0
  let indicators = 0
  let lineStart = true
  let scalarSource = false
  for (const token of new Lexer().lex(text)) {
    if (scalarSource) {
      // The token after a scalar marker is the scalar's own text, whatever it starts with.
      scalarSource = false
      lineStart = false
      continue
    }
    switch (CST.tokenType(token)) {
      case 'scalar':
        scalarSource = true
        break
      case 'newline':
        lineStart = true
        indent = 0
        indicators = 0
        break
      case 'space':
        if (lineStart) indent = token.length
        break
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        indicators++
        lineStart = false
        break
      case 'flow-map-start':
      case 'flow-seq-start':
        flow++
        lineStart = false
        break
      case 'flow-map-end':
      case 'flow-seq-end':
        flow = Math.max(0, flow - 1)
        lineStart = false
        break
      case 'flow-error-end':
        flow = 0
        break
      default:
        lineStart = false
    }
    if (flow + indent + indicators > MAX_LEXICAL_DEPTH) throw yamlError('The file is nested too deeply')
  }
}

/** Plain data only: no tagged objects (`!!binary`, `!!set`), no `__proto__` keys, bounded depth. */
function checkTree(root: unknown): void {
  const seen = new Map<object, number>()
  const stack: [unknown, number][] = [[root, 0]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!
    if (typeof value !== 'object' || value === null) continue
    // Aliases share one object: visit it again only when reached deeper than before.
    if ((seen.get(value) ?? -1) >= depth) continue
    seen.set(value, depth)
    if (depth > MAX_DEPTH) throw yamlError('The file is nested too deeply')
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1])
      continue
    }
    if (Object.getPrototypeOf(value) !== Object.prototype)
      throw yamlError('Only plain YAML values are supported (no tags such as !!binary or !!set)')
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') throw yamlError('The key __proto__ is not allowed')
      stack.push([item, depth + 1])
    }
  }
}

function loadYaml(text: string): JsonMap {
  if (text.length > MAX_COMPOSE_BYTES) throw yamlError('A compose file of at most 512 KiB')
  checkLexicalDepth(text)
  let value: unknown
  try {
    const docs = parseAllDocuments(text, { merge: true, logLevel: 'error', resolveKnownTags: false })
    if (docs.length === 0) throw yamlError('The file is empty')
    if (docs.length > 1) throw yamlError('The file holds several YAML documents (---): paste one compose file')
    const doc = docs[0]!
    const problem = doc.errors[0] ?? doc.warnings[0]
    if (problem) throw yamlError(`Not valid YAML: ${problem.message.split('\n')[0]}`)
    value = doc.toJS({ maxAliasCount: MAX_ALIASES })
  } catch (err) {
    if (err instanceof AppError) throw err
    throw yamlError(
      err instanceof ReferenceError
        ? 'The file expands its aliases too often to be read safely'
        : 'The file could not be read as YAML',
    )
  }
  checkTree(value)
  if (!isMap(value)) throw yamlError('A compose file is a mapping with a services key')
  return value
}

const TOP_LEVEL_MESSAGES: Record<string, string> = {
  secrets:
    'Compose secrets are not supported: put each value in an env variable of the service, which glinrdock keeps sealed',
  configs: 'Compose configs are not supported: mount the file from a volume instead',
  include: 'Included files are not read: paste their services into this file',
}

const SERVICE_KEY_MESSAGES: Record<string, string> = {
  networks: 'glinrdock puts every service on the project network only, where services reach each other by name',
  network_mode: 'glinrdock puts every service on the project network; other network modes are not supported',
  links: 'Services reach each other by name on the project network; links are not needed',
  secrets: 'Compose secrets are not supported: put the value in an env variable, which glinrdock keeps sealed',
  configs: 'Compose configs are not supported: mount the file from a volume instead',
  profiles: 'Profiles are not supported: every service in the file is imported',
  privileged: 'Privileged containers are not supported',
  cap_add: 'Capabilities cannot be changed in glinrdock',
  cap_drop: 'Capabilities cannot be changed in glinrdock',
  tmpfs: 'tmpfs mounts are not supported',
  scale: 'glinrdock runs one container per service',
}

const unsupported = (key: string): string => `${key} is not supported by glinrdock and is left out`

export function importCompose(yamlText: string, options: ComposeImportOptions): ComposeImport {
  return new ComposeImporter(options).run(loadYaml(yamlText))
}

interface ServiceParts {
  image: string | null
  buildPath?: string
  git: GitSource | null
  command: string[] | null
  entrypoint: string[] | null
  envFile: Map<string, EnvDraft>
  environment: Map<string, EnvDraft>
  ports: PortMapping[]
  expose: PortMapping[]
  volumes: VolumeMount[]
  restart?: RestartPolicy
  deployRestart?: { policy: RestartPolicy; path: string }
  healthcheck: Healthcheck | null
  memory: { legacy?: number; deploy?: number; path?: string }
  cpus: { legacy?: number; deploy?: number; path?: string }
  labels: Map<string, string>
  user: string | null
  dependsOn: { name: string; path: string }[]
}

class ComposeImporter {
  private readonly warnings: ComposeWarning[] = []
  private readonly extensions: string[] = []
  private readonly project: string
  /** Named volumes by their key in the file, with the engine name compose would give them. */
  private volumeNames = new Map<string, string>()

  constructor(private readonly options: ComposeImportOptions) {
    this.project = options.projectName
  }

  run(root: JsonMap): ComposeImport {
    const services = own(root, 'services')
    if (!isMap(services)) throw yamlError('The file has no services mapping')
    for (const [key, value] of Object.entries(root)) {
      if (key === 'services' || key === 'volumes' || key === 'version') continue
      if (key === 'networks') this.topNetworks(value)
      else if (key === 'name') {
        if (this.text(value, key) !== this.project)
          this.warn(key, `The project is ${this.project} in glinrdock; the name in the file is not used`)
      } else if (key.startsWith('x-')) this.extensions.push(key)
      else this.warn(key, TOP_LEVEL_MESSAGES[key] ?? unsupported(key))
    }
    this.volumeNames = this.topVolumes(own(root, 'volumes'))

    const names = new Map<string, string>()
    const taken = new Set<string>()
    for (const original of Object.keys(services)) {
      const name = original.toLowerCase()
      const path = `services.${original}`
      if (!ServiceName.safeParse(name).success)
        throw invalid(
          path,
          `${original} cannot be a service name: lowercase letters, digits, "_" and "-", starting and ending with a letter or digit`,
        )
      if (taken.has(name)) throw invalid(path, `${name} names two services`)
      if (name !== original) this.warn(path, `Renamed to ${name}: glinrdock service names are lowercase`)
      taken.add(name)
      names.set(original, name)
    }

    const imported: { draft: ServiceDraft; dependsOn: ServiceParts['dependsOn'] }[] = []
    const skipped = new Set<string>()
    for (const [original, name] of names) {
      const result = this.service(original, name, services[original]!)
      if (result) imported.push(result)
      else skipped.add(original)
    }
    for (const { draft, dependsOn } of imported) {
      const resolved: string[] = []
      for (const dep of dependsOn) {
        const name = names.get(dep.name)
        if (name === undefined) this.warn(dep.path, `${dep.name} is not a service in this file; left out`)
        else if (skipped.has(dep.name)) this.warn(dep.path, `${dep.name} is skipped, so this dependency is left out`)
        else if (!resolved.includes(name)) resolved.push(name)
      }
      draft.dependsOn = resolved
    }
    if (this.extensions.length > 0)
      this.warn(this.extensions[0]!, `Extension fields are ignored: ${this.extensions.join(', ')}`)
    return { drafts: imported.map(({ draft }) => draft), warnings: this.warnings }
  }

  private warn(path: string, message: string): void {
    this.warnings.push({ path, message })
  }

  /** A scalar as compose reads it: numbers and booleans as text, strings interpolated (with warnings). */
  private text(value: Json | undefined, path: string): string {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    if (typeof value !== 'string') throw invalid(path, 'must be a string')
    if (!value.includes('$')) return value
    const result = interpolate(value)
    if (result.unresolved.length > 0)
      this.warn(
        path,
        `${quoted(result.unresolved)} is left as written: compose substitutes variables from the shell's environment, which glinrdock does not have; write the value instead`,
      )
    if (result.defaulted.length > 0)
      this.warn(path, `The default given for ${quoted(result.defaulted)} is used, as compose does when it is unset`)
    if (result.invalid) this.warn(path, 'A lone $ is kept as written (compose wants $$ for a literal $)')
    return result.value
  }

  private list(value: Json | undefined, path: string): Json[] {
    if (!Array.isArray(value)) throw invalid(path, 'must be a list')
    return value
  }

  private map(value: Json | undefined, path: string): JsonMap {
    if (!isMap(value)) throw invalid(path, 'must be a mapping')
    return value
  }

  private integer(value: Json | undefined, path: string, min: number, max: number): number {
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max)
      throw invalid(path, `must be a whole number from ${min} to ${max}`)
    return number
  }

  private topNetworks(value: Json): void {
    const expected = projectNetworkName(this.project)
    const networks = this.map(value, 'networks')
    for (const [key, network] of Object.entries(networks)) {
      const isProjectNetwork = isMap(network) && Object.keys(network).length === 1 && network.name === expected
      if (key === 'default' && isProjectNetwork) continue
      this.warn(
        `networks.${key}`,
        `glinrdock puts every service on the project network ${expected} only; this network is not created`,
      )
    }
  }

  private topVolumes(value: Json | undefined): Map<string, string> {
    const names = new Map<string, string>()
    if (value === undefined || value === null) return names
    for (const [key, decl] of Object.entries(this.map(value, 'volumes'))) {
      const path = `volumes.${key}`
      let given: string | undefined
      let external = false
      if (decl !== null) {
        for (const [option, setting] of Object.entries(this.map(decl, path))) {
          const at = `${path}.${option}`
          if (option === 'name') given = this.text(setting, at)
          else if (option === 'external') {
            if (isMap(setting) && own(setting, 'name') !== undefined) {
              external = true
              given = this.text(own(setting, 'name'), `${at}.name`)
            } else if (typeof setting === 'boolean') external = setting
            else throw invalid(at, 'must be true or false')
          } else if (option === 'driver' && setting === 'local') continue
          else
            this.warn(at, `${option} is not supported: glinrdock's volumes use the engine's local driver, as they are`)
        }
      }
      names.set(key, given ?? (external ? key : `${this.project}_${key}`))
    }
    return names
  }

  private service(
    original: string,
    name: string,
    raw: Json,
  ): { draft: ServiceDraft; dependsOn: ServiceParts['dependsOn'] } | null {
    const base = `services.${original}`
    const spec = this.map(raw, base)
    const parts: ServiceParts = {
      image: null,
      git: null,
      command: null,
      entrypoint: null,
      envFile: new Map(),
      environment: new Map(),
      ports: [],
      expose: [],
      volumes: [],
      healthcheck: null,
      memory: {},
      cpus: {},
      labels: new Map(),
      user: null,
      dependsOn: [],
    }
    for (const [key, value] of Object.entries(spec)) {
      const path = `${base}.${key}`
      switch (key) {
        case 'image':
          parts.image = this.text(value, path)
          break
        case 'build':
          parts.buildPath = path
          break
        case 'x-glinrdock-git':
          parts.git = this.git(value, path)
          break
        case 'command':
          parts.command = this.argv(value, path)
          break
        case 'entrypoint':
          parts.entrypoint = this.argv(value, path)
          break
        case 'environment':
          this.environment(value, path, parts.environment)
          break
        case 'env_file':
          this.envFile(value, path, parts.envFile)
          break
        case 'ports':
          this.ports(value, path, parts.ports)
          break
        case 'expose':
          this.expose(value, path, parts.expose)
          break
        case 'volumes':
          this.volumes(value, path, parts.volumes)
          break
        case 'restart':
          parts.restart = this.restart(value, path)
          break
        case 'deploy':
          this.deploy(value, path, parts)
          break
        case 'healthcheck':
          parts.healthcheck = this.healthcheck(value, path)
          break
        case 'mem_limit':
          parts.memory.legacy = this.bytes(value, path)
          break
        case 'cpus':
          parts.cpus.legacy = this.cpus(value, path)
          break
        case 'labels':
          this.labels(value, path, parts.labels)
          break
        case 'user':
          parts.user = value === null ? null : this.text(value, path)
          break
        case 'depends_on':
          parts.dependsOn = this.dependsOn(value, path)
          break
        case 'container_name': {
          const expected = serviceContainerName(this.project, name)
          if (this.text(value, path) !== expected)
            this.warn(path, `glinrdock names the container ${expected}; this name is not used`)
          break
        }
        default:
          if (key.startsWith('x-')) this.extensions.push(path)
          else this.warn(path, SERVICE_KEY_MESSAGES[key] ?? unsupported(key))
      }
    }

    if (parts.buildPath !== undefined) {
      if (parts.image)
        this.warn(parts.buildPath, 'The image is pulled, not built: builds from git come with the builds feature')
      else if (!parts.git) {
        this.warn(
          parts.buildPath,
          `${original} is skipped: it has no image, and builds from git come with the builds feature; give it an image to import it`,
        )
        return null
      }
    }
    return { draft: this.draft(name, parts), dependsOn: parts.dependsOn }
  }

  private draft(name: string, parts: ServiceParts): ServiceDraft {
    const env = new Map(parts.envFile)
    for (const [key, variable] of parts.environment) env.set(key, variable)
    const published = new Set(parts.ports.map((port) => `${port.container}/${port.protocol}`))
    const ports = [...parts.ports]
    for (const port of parts.expose) {
      const key = `${port.container}/${port.protocol}`
      if (published.has(key)) continue
      published.add(key)
      ports.push(port)
    }
    const restart = parts.restart ?? parts.deployRestart?.policy ?? { policy: 'no' }
    if (parts.restart && parts.deployRestart && !sameRestart(parts.restart, parts.deployRestart.policy))
      this.warn(parts.deployRestart.path, 'Conflicts with restart, which is used')
    const memoryBytes = this.pick(parts.memory, 'mem_limit')
    const cpus = this.pick(parts.cpus, 'cpus')
    return {
      name,
      image: parts.image,
      git: parts.git,
      command: parts.command,
      entrypoint: parts.entrypoint,
      env: [...env.values()],
      ports,
      volumes: parts.volumes,
      restart,
      healthcheck: parts.healthcheck,
      resources: {
        ...(memoryBytes !== undefined ? { memoryBytes } : {}),
        ...(cpus !== undefined ? { cpus } : {}),
      },
      user: parts.user,
      labels: Object.fromEntries(parts.labels),
      dependsOn: [],
      autoDeploy: false,
    }
  }

  /** `deploy.resources.limits` wins over the legacy key, as in `docker compose`. */
  private pick(setting: { legacy?: number; deploy?: number; path?: string }, legacy: string): number | undefined {
    if (setting.deploy !== undefined && setting.legacy !== undefined && setting.deploy !== setting.legacy)
      this.warn(setting.path!, `Conflicts with ${legacy}; this limit is used`)
    return setting.deploy ?? setting.legacy
  }

  private git(value: Json, path: string): GitSource {
    const source = this.map(value, path)
    const git: Partial<GitSource> = {}
    for (const [key, setting] of Object.entries(source)) {
      if (key === 'url' || key === 'ref' || key === 'context' || key === 'dockerfile')
        git[key] = this.text(setting, `${path}.${key}`)
      else this.warn(`${path}.${key}`, unsupported(key))
    }
    if (git.url === undefined || git.ref === undefined) throw invalid(path, 'needs a url and a ref')
    return git as GitSource
  }

  private argv(value: Json, path: string): string[] | null {
    if (value === null) return null
    let argv: string[]
    if (typeof value === 'string') {
      try {
        argv = splitShellWords(this.text(value, path))
      } catch (err) {
        throw invalid(path, `${(err as Error).message} in ${JSON.stringify(value.slice(0, 100))}`)
      }
    } else argv = this.list(value, path).map((arg, i) => this.text(arg, `${path}.${i}`))
    if (argv.length > 0) return argv
    this.warn(path, "An empty list cannot clear the image's own setting in glinrdock: the image's is used")
    return null
  }

  private envVariable(key: string, raw: string, path: string): EnvDraft {
    // What export writes for a secret: the variable of the same name, whose value the file never holds.
    if (raw === `\${${key}}` || raw === `$${key}`) {
      this.warn(path, `${key} refers to a variable of its own name: its value is not in the file; set it in glinrdock`)
      return { key, secret: true }
    }
    return { key, value: this.text(raw, path), secret: isSecretKey(key) }
  }

  private hostEnvWarning(path: string, key: string): void {
    this.warn(
      path,
      `${key} has no value: compose takes it from the shell's environment, which glinrdock does not have; left out`,
    )
  }

  private environment(value: Json, path: string, env: Map<string, EnvDraft>): void {
    const set = (variable: EnvDraft): void => {
      env.delete(variable.key)
      env.set(variable.key, variable)
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const at = `${path}.${i}`
        if (typeof item !== 'string') throw invalid(at, 'must be KEY=value')
        const eq = item.indexOf('=')
        if (eq === -1) this.hostEnvWarning(at, item)
        else set(this.envVariable(item.slice(0, eq), item.slice(eq + 1), at))
      })
      return
    }
    for (const [key, raw] of Object.entries(this.map(value, path))) {
      const at = `${path}.${key}`
      if (raw === null) this.hostEnvWarning(at, key)
      else if (typeof raw === 'string') set(this.envVariable(key, raw, at))
      else set({ key, value: this.text(raw, at), secret: isSecretKey(key) })
    }
  }

  private envFile(value: Json, path: string, env: Map<string, EnvDraft>): void {
    const files = Array.isArray(value) ? value : [value]
    files.forEach((file, i) => {
      const at = Array.isArray(value) ? `${path}.${i}` : path
      const entry = isMap(file) ? file : { path: file }
      const name = this.text(own(entry, 'path'), isMap(file) ? `${at}.path` : at)
      const required = own(entry, 'required') !== false
      const content = findEnvFile(this.options.envFiles, name)
      if (content === undefined) {
        this.warn(
          path,
          `${name} was not pasted${required ? '' : ' (it is optional)'}: paste its contents to import its variables`,
        )
        return
      }
      const parsed = parseDotEnv(content)
      for (const problem of parsed.problems) this.warn(path, `${name} line ${problem.line}: ${problem.message}`)
      for (const { key, value } of parsed.entries) {
        env.delete(key)
        env.set(key, { key, value, secret: isSecretKey(key) })
      }
    })
  }

  private addPorts(ports: PortMapping[], count: number, path: string): void {
    if (ports.length + count > MAX_PORTS) throw invalid(path, `more than ${MAX_PORTS} ports`)
  }

  private ports(value: Json, path: string, ports: PortMapping[]): void {
    this.list(value, path).forEach((item, i) => {
      const at = `${path}.${i}`
      if (isMap(item)) return this.longPort(item, at, ports)
      const text = typeof item === 'number' ? String(item) : this.text(item, at)
      const spec = parsePortSpec(text)
      if (!spec) throw invalid(at, `${JSON.stringify(text)} is not a port (e.g. 8080:80 or 127.0.0.1:53:53/udp)`)
      if (spec.protocol !== 'tcp' && spec.protocol !== 'udp')
        return this.warn(at, `${spec.protocol} ports are not supported; left out`)
      const protocol = spec.protocol
      const [start, end] = spec.container
      this.addPorts(ports, end - start + 1, at)
      if (!spec.host) {
        this.warn(
          at,
          'Compose publishes this on a random host port; glinrdock only exposes it on the project network: give it a host port to publish it',
        )
        for (let port = start; port <= end; port++) ports.push({ container: port, protocol })
        return
      }
      const [hostStart, hostEnd] = spec.host
      if (hostEnd - hostStart !== end - start)
        throw invalid(at, 'the host and container port ranges must be the same length')
      for (let port = start; port <= end; port++)
        ports.push({
          container: port,
          host: hostStart + port - start,
          protocol,
          ...(spec.hostIp !== undefined ? { hostIp: spec.hostIp } : {}),
        })
    })
  }

  private longPort(item: JsonMap, path: string, ports: PortMapping[]): void {
    let container: number | undefined
    let host: number | undefined
    let protocol = 'tcp'
    let hostIp: string | undefined
    for (const [key, value] of Object.entries(item)) {
      const at = `${path}.${key}`
      if (key === 'target') container = this.integer(value, at, 1, 65535)
      else if (key === 'published') host = this.integer(value, at, 1, 65535)
      else if (key === 'protocol') protocol = this.text(value, at).toLowerCase()
      else if (key === 'host_ip') hostIp = this.text(value, at)
      else if (key !== 'mode') this.warn(at, unsupported(key))
    }
    if (container === undefined) throw invalid(path, 'needs a target port')
    if (protocol !== 'tcp' && protocol !== 'udp')
      return this.warn(path, `${protocol} ports are not supported; left out`)
    this.addPorts(ports, 1, path)
    if (host === undefined)
      this.warn(
        path,
        'Compose publishes this on a random host port; glinrdock only exposes it on the project network: give it a published port',
      )
    ports.push({
      container,
      ...(host !== undefined ? { host } : {}),
      protocol,
      ...(host !== undefined && hostIp !== undefined ? { hostIp } : {}),
    })
  }

  private expose(value: Json, path: string, expose: PortMapping[]): void {
    this.list(value, path).forEach((item, i) => {
      const at = `${path}.${i}`
      const text = typeof item === 'number' ? String(item) : this.text(item, at)
      const spec = parsePortSpec(text)
      if (!spec || spec.host || spec.hostIp !== undefined) throw invalid(at, `${JSON.stringify(text)} is not a port`)
      if (spec.protocol !== 'tcp' && spec.protocol !== 'udp')
        return this.warn(at, `${spec.protocol} ports are not supported; left out`)
      const protocol = spec.protocol
      this.addPorts(expose, spec.container[1] - spec.container[0] + 1, at)
      for (let port = spec.container[0]; port <= spec.container[1]; port++) expose.push({ container: port, protocol })
    })
  }

  private volumes(value: Json, path: string, volumes: VolumeMount[]): void {
    this.list(value, path).forEach((item, i) => {
      const at = `${path}.${i}`
      const mount = isMap(item) ? this.longVolume(item, at) : this.shortVolume(this.text(item, at), at)
      if (mount) volumes.push(mount)
    })
  }

  private shortVolume(text: string, path: string): VolumeMount | null {
    const { source, target, mode } = splitVolumeSpec(text)
    let readOnly = false
    for (const option of mode?.split(',') ?? []) {
      if (option === 'ro' || option === 'rw') readOnly = option === 'ro'
      else if (['z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent'].includes(option))
        this.warn(path, `The mount option ${option} is not supported and is left out`)
      else throw invalid(path, `${option} is not a mount option (ro, rw)`)
    }
    if (source === undefined) return { type: 'volume', target, readOnly }
    if (source === '') throw invalid(path, `${JSON.stringify(text)} has an empty source`)
    return /^[./~]/.test(source)
      ? this.bind(source, target, readOnly, path)
      : this.named(source, target, readOnly, path)
  }

  private longVolume(item: JsonMap, path: string): VolumeMount | null {
    let type: string | undefined
    let source: string | undefined
    let target: string | undefined
    let readOnly = false
    for (const [key, value] of Object.entries(item)) {
      const at = `${path}.${key}`
      if (key === 'type') type = this.text(value, at)
      else if (key === 'source') source = this.text(value, at)
      else if (key === 'target') target = this.text(value, at)
      else if (key === 'read_only') {
        if (typeof value !== 'boolean') throw invalid(at, 'must be true or false')
        readOnly = value
      } else this.warn(at, `The mount option ${key} is not supported and is left out`)
    }
    if (type === undefined) throw invalid(path, 'needs a type (volume or bind)')
    if (target === undefined) throw invalid(path, 'needs a target')
    if (type === 'volume') {
      if (source === undefined) return { type: 'volume', target, readOnly }
      if (/^[./~]/.test(source)) throw invalid(`${path}.source`, 'a volume source is a volume name, not a path')
      return this.named(source, target, readOnly, path)
    }
    if (type === 'bind') {
      if (source === undefined) throw invalid(path, 'a bind mount needs a source')
      return this.bind(source, target, readOnly, path)
    }
    this.warn(path, `${type} mounts are not supported; left out`)
    return null
  }

  private named(source: string, target: string, readOnly: boolean, path: string): VolumeMount {
    let name = this.volumeNames.get(source)
    if (name === undefined) {
      name = `${this.project}_${source}`
      this.warn(path, `${source} is not declared under the top-level volumes; it is named ${name}, as compose would`)
    }
    return { type: 'volume', source: name, target, readOnly }
  }

  private bind(source: string, target: string, readOnly: boolean, path: string): VolumeMount | null {
    if (!source.startsWith('/')) {
      this.warn(
        path,
        `${source} is relative to the compose file's folder, which glinrdock does not have: use an absolute host path; left out`,
      )
      return null
    }
    if (!this.options.confirmBinds) {
      this.warn(path, `The bind mount of ${source} exposes host files: confirm bind mounts to import it; left out`)
      return null
    }
    return { type: 'bind', source, target, readOnly, confirmBind: true }
  }

  private restart(value: Json, path: string): RestartPolicy {
    // YAML 1.1 reads an unquoted `no` as false; compose files written for it say so.
    if (value === false) return { policy: 'no' }
    const text = this.text(value, path)
    if (text === 'no' || text === 'always' || text === 'unless-stopped' || text === 'on-failure')
      return { policy: text }
    const retries = /^on-failure:(\d{1,4})$/.exec(text)
    if (retries) return { policy: 'on-failure', maxRetries: Number(retries[1]) }
    throw invalid(path, `${JSON.stringify(text)} is not a restart policy (no, always, unless-stopped, on-failure[:N])`)
  }

  private deploy(value: Json, path: string, parts: ServiceParts): void {
    for (const [key, setting] of Object.entries(this.map(value, path))) {
      const at = `${path}.${key}`
      if (key === 'resources') this.resources(setting, at, parts)
      else if (key === 'restart_policy') parts.deployRestart = { policy: this.restartPolicy(setting, at), path: at }
      else if (key === 'replicas' && (setting === 1 || setting === '1')) continue
      else this.warn(at, key === 'replicas' ? 'glinrdock runs one container per service' : unsupported(key))
    }
  }

  private resources(value: Json, path: string, parts: ServiceParts): void {
    for (const [key, setting] of Object.entries(this.map(value, path))) {
      const at = `${path}.${key}`
      if (key !== 'limits') {
        this.warn(at, key === 'reservations' ? 'Reservations are not supported; only limits are' : unsupported(key))
        continue
      }
      for (const [limit, amount] of Object.entries(this.map(setting, at))) {
        const limitPath = `${at}.${limit}`
        if (limit === 'memory')
          parts.memory = { ...parts.memory, deploy: this.bytes(amount, limitPath), path: limitPath }
        else if (limit === 'cpus') parts.cpus = { ...parts.cpus, deploy: this.cpus(amount, limitPath), path: limitPath }
        else this.warn(limitPath, unsupported(limit))
      }
    }
  }

  private restartPolicy(value: Json, path: string): RestartPolicy {
    let policy: RestartPolicy = { policy: 'always' }
    let maxRetries: number | undefined
    for (const [key, setting] of Object.entries(this.map(value, path))) {
      const at = `${path}.${key}`
      if (key === 'condition') {
        const condition = this.text(setting, at)
        if (condition === 'none') policy = { policy: 'no' }
        else if (condition === 'on-failure') policy = { policy: 'on-failure' }
        else if (condition === 'any') policy = { policy: 'always' }
        else throw invalid(at, 'must be none, on-failure or any')
      } else if (key === 'max_attempts') maxRetries = this.integer(setting, at, 0, 1000)
      else this.warn(at, unsupported(key))
    }
    return policy.policy === 'on-failure' && maxRetries !== undefined ? { ...policy, maxRetries } : policy
  }

  private bytes(value: Json, path: string): number {
    const bytes = typeof value === 'number' || typeof value === 'string' ? parseByteSize(value) : null
    if (bytes === null) throw invalid(path, `${JSON.stringify(value)} is not a size (e.g. 512m, 1g)`)
    return bytes
  }

  private cpus(value: Json, path: string): number {
    const cpus = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value
    if (typeof cpus !== 'number' || !Number.isFinite(cpus) || cpus < 0)
      throw invalid(path, `${JSON.stringify(value)} is not a number of CPUs (e.g. 0.5)`)
    return cpus
  }

  private healthcheck(value: Json, path: string): Healthcheck | null {
    if (value === null) return null
    let test: string[] | null | undefined
    let disabled = false
    const timing: { interval?: string; timeout?: string; retries?: number; startPeriod?: string } = {}
    for (const [key, setting] of Object.entries(this.map(value, path))) {
      const at = `${path}.${key}`
      if (key === 'test') test = this.healthTest(setting, at)
      else if (key === 'disable') disabled = setting === true
      else if (key === 'retries') timing.retries = this.integer(setting, at, 1, 100)
      else if (key === 'interval' || key === 'timeout' || key === 'start_period') {
        const duration = this.text(setting, at)
        if (typeof setting !== 'string' || !isComposeDuration(duration))
          throw invalid(at, `${JSON.stringify(setting)} is not a duration (e.g. 30s, 1m30s, 500ms)`)
        timing[key === 'start_period' ? 'startPeriod' : key] = duration
      } else this.warn(at, unsupported(key))
    }
    if (disabled || test === null) {
      this.warn(path, "glinrdock cannot switch off the image's own health check; it is left as the image has it")
      return null
    }
    if (test === undefined) {
      if (Object.keys(timing).length > 0)
        this.warn(
          path,
          "Timings without a test would change the image's own health check, which glinrdock leaves as is",
        )
      return null
    }
    const probe = /^http:\/\/127\.0\.0\.1:(\d{1,5})(\/[A-Za-z0-9._~/-]*)$/.exec(test[3] ?? '')
    if (probe && test.length === 4) {
      const port = Number(probe[1])
      const probePath = probe[2]!
      if (JSON.stringify(['CMD', ...test]) === JSON.stringify(httpProbe(port, probePath)))
        return { type: 'http', port, path: probePath, ...timing }
    }
    return { type: 'command', command: test, ...timing }
  }

  /** The command a test runs, null for `NONE`. Shell forms run through `/bin/sh -c`, as the engine does. */
  private healthTest(value: Json, path: string): string[] | null {
    if (typeof value === 'string') return ['/bin/sh', '-c', this.text(value, path)]
    const test = this.list(value, path).map((arg, i) => this.text(arg, `${path}.${i}`))
    const [kind, ...args] = test
    if (kind === 'NONE') return null
    if (kind === 'CMD-SHELL' && args.length === 1) return ['/bin/sh', '-c', args[0]!]
    if (kind === 'CMD' && args.length > 0) return args
    throw invalid(path, 'must be ["CMD", ...], ["CMD-SHELL", "command"], ["NONE"] or a command string')
  }

  private labels(value: Json, path: string, labels: Map<string, string>): void {
    const entries: [string, string, string][] = Array.isArray(value)
      ? value.map((item, i) => {
          const text = this.text(item, `${path}.${i}`)
          const eq = text.indexOf('=')
          return eq === -1 ? [text, '', `${path}.${i}`] : [text.slice(0, eq), text.slice(eq + 1), `${path}.${i}`]
        })
      : Object.entries(this.map(value, path)).map(([key, label]) => [
          key,
          label === null ? '' : this.text(label, `${path}.${key}`),
          `${path}.${key}`,
        ])
    for (const [key, label, at] of entries) {
      if (key.startsWith(GLINRDOCK_LABEL_PREFIX))
        this.warn(at, `Labels under ${GLINRDOCK_LABEL_PREFIX} are glinrdock's own; left out`)
      else labels.set(key, label)
    }
  }

  private dependsOn(value: Json, path: string): ServiceParts['dependsOn'] {
    if (Array.isArray(value))
      return value.map((item, i) => {
        if (typeof item !== 'string') throw invalid(`${path}.${i}`, 'must be a service name')
        return { name: item, path: `${path}.${i}` }
      })
    return Object.entries(this.map(value, path)).map(([name, options]) => {
      const at = `${path}.${name}`
      if (options !== null)
        for (const [key, setting] of Object.entries(this.map(options, at))) {
          if (key === 'condition' && setting === 'service_started') continue
          const waits = setting === 'service_healthy' ? 'to be healthy' : 'to complete'
          this.warn(
            `${at}.${key}`,
            key === 'condition'
              ? `glinrdock only starts ${name} first; it does not wait for it ${waits}`
              : unsupported(key),
          )
        }
      return { name, path: at }
    })
  }
}

const sameRestart = (a: RestartPolicy, b: RestartPolicy): boolean =>
  a.policy === b.policy && (a.maxRetries ?? 0) === (b.maxRetries ?? 0)

const relative = (path: string): string => path.replace(/^(\.\/)+/, '')

/** The pasted file a compose path names: `./.env` and `.env` are the same file. */
function findEnvFile(files: Record<string, string>, path: string): string | undefined {
  if (Object.hasOwn(files, path)) return files[path]
  const wanted = relative(path)
  const match = Object.keys(files).find((name) => relative(name) === wanted)
  return match === undefined ? undefined : files[match]
}
