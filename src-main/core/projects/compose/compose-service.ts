/** One compose service, key by key, as a glinrdock service draft (its depends_on resolved by the caller). */
import {
  GLINRDOCK_LABEL_PREFIX,
  serviceContainerName,
  type GitSource,
  type Healthcheck,
  type PortMapping,
  type VolumeMount,
} from '../../../../src-preload/contract/projects'
import type { ServiceDraft } from '../service-spec'
import { readBytes, readCpus, readDeploy, readRestart, settleDeploy, type DeployParts } from './compose-deploy'
import { readEnvFiles, readEnvironment, type EnvDrafts } from './compose-env'
import { readHealthcheck } from './compose-healthcheck'
import { readExpose, readPorts } from './compose-ports'
import { invalid, unsupported, type ComposeReader } from './compose-reader'
import { splitShellWords } from './compose-units'
import { readVolumes } from './compose-volumes'
import type { Json } from './compose-yaml'

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

/** A `depends_on` entry by the name the file gives it, with its path for warnings. */
export type Dependency = { name: string; path: string }

interface ServiceParts extends DeployParts {
  image: string | null
  buildPath?: string
  git: GitSource | null
  command: string[] | null
  entrypoint: string[] | null
  envFile: EnvDrafts
  environment: EnvDrafts
  ports: PortMapping[]
  expose: PortMapping[]
  volumes: VolumeMount[]
  healthcheck: Healthcheck | null
  labels: Map<string, string>
  user: string | null
  dependsOn: Dependency[]
}

/** The draft for the service at `services.<original>`, or null when it is skipped (with a warning why). */
export function readService(
  r: ComposeReader,
  original: string,
  name: string,
  raw: Json,
): { draft: ServiceDraft; dependsOn: Dependency[] } | null {
  const base = `services.${original}`
  const spec = r.map(raw, base)
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
        parts.image = r.text(value, path)
        break
      case 'build':
        parts.buildPath = path
        break
      case 'x-glinrdock-git':
        parts.git = readGit(r, value, path)
        break
      case 'command':
        parts.command = readArgv(r, value, path)
        break
      case 'entrypoint':
        parts.entrypoint = readArgv(r, value, path)
        break
      case 'environment':
        readEnvironment(r, value, path, parts.environment)
        break
      case 'env_file':
        readEnvFiles(r, value, path, parts.envFile)
        break
      case 'ports':
        readPorts(r, value, path, parts.ports)
        break
      case 'expose':
        readExpose(r, value, path, parts.expose)
        break
      case 'volumes':
        readVolumes(r, value, path, parts.volumes)
        break
      case 'restart':
        parts.restart = readRestart(r, value, path)
        break
      case 'deploy':
        readDeploy(r, value, path, parts)
        break
      case 'healthcheck':
        parts.healthcheck = readHealthcheck(r, value, path)
        break
      case 'mem_limit':
        parts.memory.legacy = readBytes(value, path)
        break
      case 'cpus':
        parts.cpus.legacy = readCpus(value, path)
        break
      case 'labels':
        readLabels(r, value, path, parts.labels)
        break
      case 'user':
        parts.user = value === null ? null : r.text(value, path)
        break
      case 'depends_on':
        parts.dependsOn = readDependsOn(r, value, path)
        break
      case 'container_name': {
        const expected = serviceContainerName(r.project, name)
        if (r.text(value, path) !== expected)
          r.warn(path, `glinrdock names the container ${expected}; this name is not used`)
        break
      }
      default:
        if (key.startsWith('x-')) r.extensions.push(path)
        else r.warn(path, SERVICE_KEY_MESSAGES[key] ?? unsupported(key))
    }
  }

  if (parts.buildPath !== undefined) {
    if (parts.image)
      r.warn(parts.buildPath, 'The image is pulled, not built: builds from git come with the builds feature')
    else if (!parts.git) {
      r.warn(
        parts.buildPath,
        `${original} is skipped: it has no image, and builds from git come with the builds feature; give it an image to import it`,
      )
      return null
    }
  }
  return { draft: toDraft(r, name, parts), dependsOn: parts.dependsOn }
}

function toDraft(r: ComposeReader, name: string, parts: ServiceParts): ServiceDraft {
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
  const { restart, resources } = settleDeploy(r, parts)
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
    resources,
    user: parts.user,
    labels: Object.fromEntries(parts.labels),
    dependsOn: [],
    autoDeploy: false,
  }
}

function readGit(r: ComposeReader, value: Json, path: string): GitSource {
  const source = r.map(value, path)
  const git: Partial<GitSource> = {}
  for (const [key, setting] of Object.entries(source)) {
    if (key === 'url' || key === 'ref' || key === 'context' || key === 'dockerfile')
      git[key] = r.text(setting, `${path}.${key}`)
    else r.warn(`${path}.${key}`, unsupported(key))
  }
  if (git.url === undefined || git.ref === undefined) throw invalid(path, 'needs a url and a ref')
  return git as GitSource
}

function readArgv(r: ComposeReader, value: Json, path: string): string[] | null {
  if (value === null) return null
  let argv: string[]
  if (typeof value === 'string') {
    try {
      argv = splitShellWords(r.text(value, path))
    } catch (err) {
      throw invalid(path, `${(err as Error).message} in ${JSON.stringify(value.slice(0, 100))}`)
    }
  } else argv = r.list(value, path).map((arg, i) => r.text(arg, `${path}.${i}`))
  if (argv.length > 0) return argv
  r.warn(path, "An empty list cannot clear the image's own setting in glinrdock: the image's is used")
  return null
}

function readLabels(r: ComposeReader, value: Json, path: string, labels: Map<string, string>): void {
  const entries: [string, string, string][] = Array.isArray(value)
    ? value.map((item, i) => {
        const text = r.text(item, `${path}.${i}`)
        const eq = text.indexOf('=')
        return eq === -1 ? [text, '', `${path}.${i}`] : [text.slice(0, eq), text.slice(eq + 1), `${path}.${i}`]
      })
    : Object.entries(r.map(value, path)).map(([key, label]) => [
        key,
        label === null ? '' : r.text(label, `${path}.${key}`),
        `${path}.${key}`,
      ])
  for (const [key, label, at] of entries) {
    if (key.startsWith(GLINRDOCK_LABEL_PREFIX))
      r.warn(at, `Labels under ${GLINRDOCK_LABEL_PREFIX} are glinrdock's own; left out`)
    else labels.set(key, label)
  }
}

function readDependsOn(r: ComposeReader, value: Json, path: string): Dependency[] {
  if (Array.isArray(value))
    return value.map((item, i) => {
      if (typeof item !== 'string') throw invalid(`${path}.${i}`, 'must be a service name')
      return { name: item, path: `${path}.${i}` }
    })
  return Object.entries(r.map(value, path)).map(([name, options]) => {
    const at = `${path}.${name}`
    if (options !== null)
      for (const [key, setting] of Object.entries(r.map(options, at))) {
        if (key === 'condition' && setting === 'service_started') continue
        const waits = setting === 'service_healthy' ? 'to be healthy' : 'to complete'
        r.warn(
          `${at}.${key}`,
          key === 'condition'
            ? `glinrdock only starts ${name} first; it does not wait for it ${waits}`
            : unsupported(key),
        )
      }
    return { name, path: at }
  })
}
