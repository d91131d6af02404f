import { ServiceName, projectNetworkName, type ComposeWarning } from '../../../../src-preload/contract/projects'
import type { ServiceDraft } from '../service-spec'
import { ComposeReader, invalid, unsupported } from './compose-reader'
import { readService, type Dependency } from './compose-service'
import { readTopVolumes } from './compose-volumes'
import { isMap, loadComposeYaml, own, yamlError, type Json, type JsonMap } from './compose-yaml'

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

const TOP_LEVEL_MESSAGES: Record<string, string> = {
  secrets:
    'Compose secrets are not supported: put each value in an env variable of the service, which glinrdock keeps sealed',
  configs: 'Compose configs are not supported: mount the file from a volume instead',
  include: 'Included files are not read: paste their services into this file',
}

/** Far above any real project; a bound on the work one request can ask for. */
const MAX_SERVICES = 500

/**
 * The services of a pasted compose file as drafts for the project, with a warning at the path of everything it
 * could not honour, in file order. What glinrdock cannot read at all is a validation error at its path.
 */
export function importCompose(yamlText: string, options: ComposeImportOptions): ComposeImport {
  const root = loadComposeYaml(yamlText)
  const r = new ComposeReader(options)
  const services = own(root, 'services')
  if (!isMap(services)) throw yamlError('The file has no services mapping')
  if (Object.keys(services).length > MAX_SERVICES)
    throw yamlError(`A compose file of at most ${MAX_SERVICES} services (this one has ${Object.keys(services).length})`)
  readTopLevel(r, root)
  r.volumeNames = readTopVolumes(r, own(root, 'volumes'))

  const names = serviceNames(r, services)
  const imported: { draft: ServiceDraft; dependsOn: Dependency[] }[] = []
  const skipped = new Set<string>()
  for (const [original, name] of names) {
    const result = readService(r, original, name, services[original]!)
    if (result) imported.push(result)
    else skipped.add(original)
  }
  for (const { draft, dependsOn } of imported) {
    const resolved: string[] = []
    for (const dep of dependsOn) {
      const name = names.get(dep.name)
      if (name === undefined) r.warn(dep.path, `${dep.name} is not a service in this file; left out`)
      else if (skipped.has(dep.name)) r.warn(dep.path, `${dep.name} is skipped, so this dependency is left out`)
      else if (!resolved.includes(name)) resolved.push(name)
    }
    draft.dependsOn = resolved
  }
  if (r.extensions.length > 0) r.warn(r.extensions[0]!, `Extension fields are ignored: ${r.extensions.join(', ')}`)
  return { drafts: imported.map(({ draft }) => draft), warnings: r.warnings }
}

/** Every top-level key but `services` and `volumes`, which have readers of their own. */
function readTopLevel(r: ComposeReader, root: JsonMap): void {
  for (const [key, value] of Object.entries(root)) {
    if (key === 'services' || key === 'volumes' || key === 'version') continue
    if (key === 'networks') readTopNetworks(r, value)
    else if (key === 'name') {
      if (r.text(value, key) !== r.project)
        r.warn(key, `The project is ${r.project} in glinrdock; the name in the file is not used`)
    } else if (key.startsWith('x-')) r.extensions.push(key)
    else r.warn(key, TOP_LEVEL_MESSAGES[key] ?? unsupported(key))
  }
}

function readTopNetworks(r: ComposeReader, value: Json): void {
  const expected = projectNetworkName(r.project)
  for (const [key, network] of Object.entries(r.map(value, 'networks'))) {
    const isProjectNetwork = isMap(network) && Object.keys(network).length === 1 && network.name === expected
    if (key === 'default' && isProjectNetwork) continue
    r.warn(
      `networks.${key}`,
      `glinrdock puts every service on the project network ${expected} only; this network is not created`,
    )
  }
}

/** The glinrdock name of each service by its key in the file: lowercased, and refused when it cannot be one. */
function serviceNames(r: ComposeReader, services: JsonMap): Map<string, string> {
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
    if (name !== original) r.warn(path, `Renamed to ${name}: glinrdock service names are lowercase`)
    taken.add(name)
    names.set(original, name)
  }
  return names
}
