import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface DockerContext {
  name: string
  /** The docker endpoint as the CLI stores it: `unix:///…`, `ssh://user@host:port`, `tcp://…`. */
  endpoint: string
}

/**
 * Import candidates from the Docker CLI's contexts. `configDir` is the CLI's config folder (`$DOCKER_CONFIG`,
 * usually `~/.docker`); each context lives in `contexts/meta/<sha256 of its name>/meta.json`. A context that
 * cannot be read or parsed is skipped: one broken file should not hide the others from an import dialog.
 */
export function readDockerContexts(configDir: string): DockerContext[] {
  const metaDir = join(configDir, 'contexts', 'meta')
  let entries: string[]
  try {
    entries = readdirSync(metaDir)
  } catch {
    return []
  }
  const contexts: DockerContext[] = []
  for (const entry of entries) {
    const context = readContext(join(metaDir, entry, 'meta.json'))
    if (context) contexts.push(context)
  }
  return contexts.sort((a, b) => a.name.localeCompare(b.name))
}

function readContext(file: string): DockerContext | undefined {
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8')) as unknown
    if (typeof meta !== 'object' || meta === null) return undefined
    const { Name, Endpoints } = meta as { Name?: unknown; Endpoints?: { docker?: { Host?: unknown } } }
    const host = Endpoints?.docker?.Host
    if (typeof Name !== 'string' || Name === '' || typeof host !== 'string' || host === '') return undefined
    return { name: Name, endpoint: host }
  } catch {
    return undefined
  }
}
