import type Dockerode from 'dockerode'
import { extract } from 'tar-stream'
import { mapDockerError } from '../../infra/docker'
import { accessLogName, LOG_DIR } from './nginx-config'
import { putFiles } from './proxy-files'
import { reopenLogs } from './safe-apply'

/** Past this, a route's access log moves to `.1`: about twice this per route stays on the host's disk. */
export const ACCESS_LOG_CAP_BYTES = 10 * 1024 * 1024
/** How often each host's logs are looked at (one HEAD per route): 2,000 requests a second log ~12 MB a minute. */
export const ACCESS_LOG_CHECK_MS = 60_000
/**
 * A log this many caps long is not copied (it would be read into memory and sent back whole, over the tunnel
 * for a remote host): it starts over, and `.1` keeps the previous rotation.
 */
const COPY_LIMIT_CAPS = 4

/**
 * A file's size in the proxy, from the archive endpoint's stat header (HEAD, so no content travels and the image
 * needs no shell or coreutils); null when there is no such file (a route nobody has requested yet).
 */
async function sizeOf(container: Dockerode.Container, path: string): Promise<number | null> {
  let res: { headers: Record<string, string | undefined>; resume(): void }
  try {
    res = (await container.infoArchive({ path })) as typeof res
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null
    throw mapDockerError(err, `the size of ${path} in the proxy`)
  }
  res.resume()
  const stat = res.headers['x-docker-container-path-stat']
  const size = stat ? (JSON.parse(Buffer.from(stat, 'base64').toString('utf8')) as { size?: unknown }).size : null
  return typeof size === 'number' ? size : null
}

/** One file's content out of the proxy, through the archive endpoint (a tar of that file alone). */
async function readFile(container: Dockerode.Container, path: string): Promise<Buffer> {
  let archive: NodeJS.ReadableStream
  try {
    archive = await container.getArchive({ path })
  } catch (err) {
    throw mapDockerError(err, `${path} in the proxy`)
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const entries = extract()
    entries.on('entry', (_header, stream, next) => {
      stream.on('data', (chunk) => chunks.push(chunk as Buffer))
      stream.on('end', next)
      stream.resume()
    })
    entries.on('finish', () => resolve(Buffer.concat(chunks)))
    entries.on('error', reject)
    archive.on('error', reject)
    archive.pipe(entries)
  })
}

/**
 * Keeps each route's access log under `capBytes`. A log past it is copied to `<log>.1` (replacing the previous
 * one), an empty log takes its place, and nginx reopens its logs, which frees the old file. Everything goes
 * through the Engine API. Lines nginx writes between the copy and the reopen (a few milliseconds) are lost, and
 * all of a log past COPY_LIMIT_CAPS. Answers the routes whose logs moved or started over.
 */
export async function rotateAccessLogs(
  container: Dockerode.Container,
  routeIds: string[],
  capBytes = ACCESS_LOG_CAP_BYTES,
): Promise<string[]> {
  const rotated: string[] = []
  for (const routeId of routeIds) {
    const name = accessLogName(routeId)
    const size = await sizeOf(container, `${LOG_DIR}/${name}`)
    if (size === null || size <= capBytes) continue
    const fresh = { path: name, content: '' }
    if (size > COPY_LIMIT_CAPS * capBytes) await putFiles(container, LOG_DIR, [fresh])
    else {
      const content = await readFile(container, `${LOG_DIR}/${name}`)
      await putFiles(container, LOG_DIR, [{ path: `${name}.1`, content }, fresh])
    }
    rotated.push(routeId)
  }
  if (rotated.length > 0) await reopenLogs(container)
  return rotated
}
