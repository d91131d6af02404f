import { randomBytes } from 'node:crypto'
import type Dockerode from 'dockerode'
import { mapDockerError } from '../../infra/docker'
import type { ServingCertificate } from '../shared/proxy-ports'
import { CERTS_DIR, CONF_DIR, LOG_DIR, type RenderedConfig } from './nginx-config'
import { demuxExec, putFiles, type ProxyFile } from './proxy-files'
import { candidatePath, certificateFiles, generationFiles } from './safe-apply'

/** Below `/`: a fresh container has none of the proxy's volume directories. */
const under = (dir: string, files: ProxyFile[]): ProxyFile[] => [
  { path: dir.slice(1), mode: dir === CERTS_DIR ? 0o700 : 0o755 },
  ...files.map((file) => ({ ...file, path: `${dir.slice(1)}/${file.path}` })),
]

/**
 * `nginx -t` of a configuration in a throw-away container of the proxy's image: no ports, no network, no volumes.
 * "Test config" uses it where the host has no proxy yet, or one that its settings will replace, so a preview
 * never creates the proxy, binds the host's ports or recreates anything. Removed again whatever happens.
 */
export async function scratchTest(
  docker: Dockerode,
  o: { image: string; name: string; labels: Record<string, string>; signal?: AbortSignal },
  rendered: RenderedConfig,
  certs: ServingCertificate[],
): Promise<{ ok: boolean; output: string }> {
  const name = `preview-${randomBytes(8).toString('hex')}`
  let container: Dockerode.Container
  try {
    container = await docker.createContainer({
      name: `${o.name}-${name}`,
      Image: o.image,
      Entrypoint: ['nginx', '-t', '-c', candidatePath(name)],
      Cmd: [],
      Labels: o.labels,
      HostConfig: { NetworkMode: 'none' },
    })
  } catch (err) {
    throw mapDockerError(err, `image ${o.image}`)
  }
  try {
    // /etc and /var/log are in every image: only the proxy's own directories are made.
    const files = [
      ...under(CONF_DIR, generationFiles(name, rendered)),
      ...under(CERTS_DIR, certificateFiles(certs)),
      ...under(LOG_DIR, []),
    ]
    await putFiles(container, '/', files, o.signal)
    await container.start()
    const { StatusCode } = (await container.wait({ abortSignal: o.signal } as never)) as unknown as {
      StatusCode: number
    }
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer
    const { stdout, stderr } = demuxExec(logs)
    return { ok: StatusCode === 0, output: `${stderr}${stdout}`.trim() }
  } catch (err) {
    throw mapDockerError(err, `a test container of ${o.image}`)
  } finally {
    await container.remove({ force: true }).catch(() => undefined)
  }
}
