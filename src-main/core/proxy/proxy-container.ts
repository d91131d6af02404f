import type Dockerode from 'dockerode'
import type { ProxySettings } from '../../../src-preload/contract/routes'
import { mapDockerError } from '../../infra/docker'
import { AppError } from '../shared/app-error'
import { ACME_DIR, CERTS_DIR, CONF_DIR, LOG_DIR } from './nginx-config'

export const PROXY_LABEL = 'io.glinrdock.proxy'
const PROXY_CMD = ['nginx', '-c', `${CONF_DIR}/nginx.conf`, '-g', 'daemon off;']
const PORT_TAKEN = /port is already allocated|address already in use|ports are not available/i

export interface EnsureProxyOptions {
  hostId: string
  name: string
  bindAddress: string
  settings: ProxySettings
  pullImage?: (hostId: string, ref: string, signal?: AbortSignal) => Promise<void>
  /** Writes the first configuration into the created, not yet started container. */
  seed: (container: Dockerode.Container) => Promise<void>
  /**
   * Whether the container answers its health location: with the seed's hash (a new container; until it does, a
   * proxy it replaces is kept aside), or with any configuration (`'any'`: a replaced proxy started again).
   */
  confirm: (container: Dockerode.Container, expect: 'seed' | 'any') => Promise<boolean>
  signal?: AbortSignal
}

export interface EnsuredProxy {
  container: Dockerode.Container
  id: string
  /** True when this call created (or recreated) it. */
  created: boolean
  /** The networks it is on, when the inspect this call used says (a container it made has only its own). */
  networks: string[] | null
}

const volumes = (name: string): [string, string][] => [
  [`${name}-conf`, CONF_DIR],
  [`${name}-certs`, CERTS_DIR],
  [`${name}-acme`, ACME_DIR],
  [`${name}-logs`, LOG_DIR],
]

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode

export async function inspectProxy(docker: Dockerode, name: string): Promise<Dockerode.ContainerInspectInfo | null> {
  try {
    return await docker.getContainer(name).inspect()
  } catch (err) {
    if (statusOf(err) === 404) return null
    throw mapDockerError(err, `proxy container ${name}`)
  }
}

/** Whether the container runs what the settings ask for: same image reference, same published ports. */
/** Whether a proxy container was made with these settings (image, ports, bind address, host). */
export function matchesSettings(
  info: Dockerode.ContainerInspectInfo,
  o: Pick<EnsureProxyOptions, 'hostId' | 'bindAddress' | 'settings'>,
): boolean {
  const bindings = info.HostConfig.PortBindings as Record<string, { HostIp?: string; HostPort?: string }[]> | undefined
  const bound = (port: string, host: number): boolean => {
    const b = bindings?.[port]?.[0]
    return b?.HostPort === String(host) && (b.HostIp ?? '') === o.bindAddress
  }
  return (
    info.Config.Image === o.settings.image &&
    info.Config.Labels?.[PROXY_LABEL] === o.hostId &&
    bound('80/tcp', o.settings.httpPort) &&
    bound('443/tcp', o.settings.httpsPort)
  )
}

function portError(err: unknown, o: EnsureProxyOptions): AppError {
  const mapped = mapDockerError(err, `proxy container ${o.name}`)
  if (!PORT_TAKEN.test(mapped.message)) return mapped
  return new AppError(
    'port_conflict',
    `The proxy could not start: host port ${o.settings.httpPort} or ${o.settings.httpsPort} is already in use on ` +
      `this host; free it or choose other proxy ports for the host (the engine said: ${mapped.message.replace(/^.*?: /, '')})`,
    'proxy',
  )
}

/** The proxy image on the host: pulled (a job's pull, through `pullImage`) when missing. */
export async function ensureProxyImage(
  docker: Dockerode,
  o: Pick<EnsureProxyOptions, 'hostId' | 'settings' | 'pullImage' | 'signal'>,
): Promise<void> {
  try {
    await docker.getImage(o.settings.image).inspect()
    return
  } catch (err) {
    if (statusOf(err) !== 404) throw mapDockerError(err, `image ${o.settings.image}`)
  }
  if (!o.pullImage) throw new AppError('no_image', `The proxy image ${o.settings.image} is not on this host`)
  await o.pullImage(o.hostId, o.settings.image, o.signal)
}

async function ensureNetwork(docker: Dockerode, o: EnsureProxyOptions): Promise<void> {
  try {
    await docker.getNetwork(o.name).inspect()
    return
  } catch (err) {
    if (statusOf(err) !== 404) throw mapDockerError(err, `network ${o.name}`)
  }
  try {
    // Its own user-defined network: Docker's embedded DNS (127.0.0.11) only answers on one.
    await docker.createNetwork({
      Name: o.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { [PROXY_LABEL]: o.hostId },
    })
  } catch (err) {
    if (statusOf(err) !== 409) throw mapDockerError(err, `network ${o.name}`)
  }
}

async function start(container: Dockerode.Container, o: EnsureProxyOptions): Promise<void> {
  try {
    await container.start()
  } catch (err) {
    if (statusOf(err) === 304) return
    throw portError(err, o)
  }
}

/**
 * The host's proxy container, made to match the settings: created (image pulled when missing, first configuration
 * seeded) when absent, recreated when its image or ports differ, started when stopped. Volumes outlive a recreate,
 * so the certificates and challenge files stay.
 */
export async function ensureProxyContainer(
  docker: Dockerode,
  o: EnsureProxyOptions,
  /** The caller's inspect of the proxy a moment ago (`null`: none), so an apply asks the engine once. */
  known?: Dockerode.ContainerInspectInfo | null,
): Promise<EnsuredProxy> {
  const info = known !== undefined ? known : await inspectProxy(docker, o.name)
  if (info && matchesSettings(info, o)) {
    const container = docker.getContainer(info.Id)
    if (!info.State.Running) await start(container, o)
    return { container, id: info.Id, created: false, networks: Object.keys(info.NetworkSettings.Networks ?? {}) }
  }
  await ensureProxyImage(docker, o)
  // The old proxy steps aside (renamed, stopped: it holds the ports) and comes back if the new one cannot start,
  // so a settings change to a taken port never leaves the host without its proxy.
  const old = info && (await stepAside(docker, info, o))
  try {
    const created = await createAndStart(docker, o)
    if (!(await o.confirm(created, 'seed'))) {
      await created.remove({ force: true }).catch(() => undefined)
      throw new AppError(
        'proxy_rejected',
        `The proxy container (${o.settings.image}) started but nginx does not answer its health check`,
      )
    }
    if (old) await old.remove({ force: true }).catch(() => undefined)
    return { container: created, id: created.id, created: true, networks: null }
  } catch (err) {
    // Back on its ports and answering before the error is: what served before serves again when the caller hears.
    if (old)
      await stepBack(old, o)
        .then(() => o.confirm(old, 'any'))
        .catch(() => undefined)
    throw err
  }
}

async function stepAside(
  docker: Dockerode,
  info: Dockerode.ContainerInspectInfo,
  o: EnsureProxyOptions,
): Promise<Dockerode.Container> {
  const old = docker.getContainer(info.Id)
  try {
    await old.rename({ name: `${o.name}-replaced-${info.Id.slice(0, 12)}` })
    await old.stop({ t: 5 }).catch((err: unknown) => {
      if (statusOf(err) !== 304) throw err
    })
  } catch (err) {
    throw mapDockerError(err, `proxy container ${o.name}`)
  }
  return old
}

async function stepBack(old: Dockerode.Container, o: EnsureProxyOptions): Promise<void> {
  await old.rename({ name: o.name })
  await old.start()
}

async function createAndStart(docker: Dockerode, o: EnsureProxyOptions): Promise<Dockerode.Container> {
  await ensureNetwork(docker, o)
  for (const [volume] of volumes(o.name)) {
    await docker.createVolume({ Name: volume, Labels: { [PROXY_LABEL]: o.hostId } }).catch((err: unknown) => {
      throw mapDockerError(err, `volume ${volume}`)
    })
  }
  const binding = (port: number) => [{ HostIp: o.bindAddress, HostPort: String(port) }]
  let container: Dockerode.Container
  try {
    container = await docker.createContainer({
      name: o.name,
      Image: o.settings.image,
      Cmd: PROXY_CMD,
      Labels: { [PROXY_LABEL]: o.hostId },
      ExposedPorts: { '80/tcp': {}, '443/tcp': {} },
      HostConfig: {
        PortBindings: { '80/tcp': binding(o.settings.httpPort), '443/tcp': binding(o.settings.httpsPort) },
        RestartPolicy: { Name: 'unless-stopped' },
        Binds: volumes(o.name).map(([volume, target]) => `${volume}:${target}`),
      },
      NetworkingConfig: { EndpointsConfig: { [o.name]: {} } },
    })
  } catch (err) {
    throw mapDockerError(err, `proxy container ${o.name}`)
  }
  try {
    await o.seed(container)
    await start(container, o)
  } catch (err) {
    // A proxy that never started is removed, so the next apply starts over instead of finding a broken one.
    await container.remove({ force: true }).catch(() => undefined)
    throw err
  }
  return container
}

/**
 * Joins every project network of the host; a network that went meanwhile is skipped. `joined`, when the caller
 * knows it, spares an inspect.
 */
export async function connectNetworks(
  docker: Dockerode,
  containerId: string,
  networks: string[],
  joined: string[] | null = null,
): Promise<void> {
  const on = new Set(
    joined ?? Object.keys((await docker.getContainer(containerId).inspect()).NetworkSettings.Networks ?? {}),
  )
  for (const network of networks) {
    if (on.has(network)) continue
    try {
      await docker.getNetwork(network).connect({ Container: containerId })
    } catch (err) {
      const status = statusOf(err)
      // 404: no such network (no deploy made it yet); 403/409: connected meanwhile.
      if (status === 404 || status === 403 || status === 409) continue
      throw mapDockerError(err, `network ${network}`)
    }
  }
}

export async function disconnectNetwork(docker: Dockerode, containerName: string, network: string): Promise<void> {
  try {
    await docker.getNetwork(network).disconnect({ Container: containerName, Force: true })
  } catch (err) {
    const status = statusOf(err)
    // Not connected, no proxy, or no network: nothing to release.
    if (status === 404 || status === 403 || status === 409) return
    const mapped = mapDockerError(err, `network ${network}`)
    if (/is not connected/i.test(mapped.message)) return
    throw mapped
  }
}
