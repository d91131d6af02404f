import type http from 'node:http'
import Dockerode from 'dockerode'
import modemHttp from 'docker-modem/lib/http'
import { AppError } from '../../core/shared/app-error'
import { mapDockerError } from './docker-errors'

export { mapDockerError } from './docker-errors'

/** A local socket, or an `http.Agent` whose connections are tunnelled (e.g. ssh2 stream-local forwards). */
export type DockerEndpoint = { socketPath: string } | { agent: http.Agent }

export interface DockerClient {
  docker: Dockerode
  /** The negotiated API version without the `v`, e.g. `1.41`; every request of `docker` is pinned to it. */
  apiVersion: string
  engineVersion: string
  /** The engine's `GET /version` answer. */
  version: Record<string, unknown>
  /** Its `GET /info` answer, when `withInfo` asked for it. */
  info?: Record<string, unknown>
}

export interface CreateDockerClientOptions {
  /** How long the version handshake may take before the engine counts as unreachable. */
  timeoutMs?: number
  /**
   * Also reads `GET /info`, alongside the handshake rather than after it: one round trip fewer over a tunnel.
   * Unversioned, so in the engine's newest shape; fine for the few long-stable fields a host card shows.
   */
  withInfo?: boolean
}

/**
 * The Engine API never redirects a well-formed request, but it answers 301 to a path it cleans
 * (`/containers//x/json`). docker-modem follows redirects with its own code, which for a socket or
 * tunnel URL throws inside a response handler, where no caller can catch it: the process died.
 * With no redirects allowed, a 301 is an ordinary error for the request that caused it.
 */
modemHttp.maxRedirects = 0

/** The newest Engine API this code is written against; newer engines are spoken to at this version. */
export const MAX_API_VERSION = '1.47'
const DEFAULT_TIMEOUT_MS = 10_000

/**
 * Connects and negotiates the API version like the docker CLI does: an unversioned `GET /version`, then
 * min(engine's ApiVersion, ours). Pinning the version matters because an unversioned path means "the engine's
 * newest", whose response shapes may differ from what this code parses.
 */
export async function createDockerClient(
  endpoint: DockerEndpoint,
  options: CreateDockerClientOptions = {},
): Promise<DockerClient> {
  const base = modemOptions(endpoint)
  const probe = new Dockerode(base)
  // dockerode accepts an abortSignal here; @types/dockerode does not know it.
  type Read = (opts: { abortSignal: AbortSignal }) => Promise<Record<string, unknown>>
  const version = probe.version.bind(probe) as unknown as Read
  const engineInfo = probe.info.bind(probe) as unknown as Read
  const abortSignal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  let answers: [Record<string, unknown>, Record<string, unknown> | undefined]
  try {
    answers = await Promise.all([
      version({ abortSignal }),
      options.withInfo ? engineInfo({ abortSignal }) : Promise.resolve(undefined),
    ])
  } catch (err) {
    throw mapDockerError(err, 'Docker engine')
  }
  const [versionAnswer, info] = answers
  const { engineVersion, serverApi, minApi } = parseVersion(versionAnswer)
  const apiVersion = compareApiVersions(serverApi, MAX_API_VERSION) < 0 ? serverApi : MAX_API_VERSION
  if (minApi !== undefined && compareApiVersions(apiVersion, minApi) < 0) {
    throw new AppError(
      'docker_unreachable',
      `Docker engine ${engineVersion} requires API ${minApi} or newer; this app speaks up to ${MAX_API_VERSION}`,
    )
  }
  const docker = new Dockerode({ ...base, version: `v${apiVersion}` })
  return { docker, apiVersion, engineVersion, version: versionAnswer, info }
}

/**
 * Every key docker-modem would otherwise fill from DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH is set
 * explicitly: its defaults are merged under ours, and a stray DOCKER_HOST=tcp://… would otherwise set `host`,
 * which silently wins over `socketPath`.
 */
/** docker-modem's options; `agent` and `pathPrefix` are real but missing from @types/dockerode. */
interface ModemOptions extends Dockerode.DockerOptions {
  agent?: http.Agent | undefined
  pathPrefix?: string | undefined
}

function modemOptions(endpoint: DockerEndpoint): ModemOptions {
  const neutral = {
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
    pathPrefix: undefined,
    protocol: 'http' as const,
  }
  if ('socketPath' in endpoint) {
    return { ...neutral, socketPath: endpoint.socketPath, host: undefined, port: undefined }
  }
  // The host name is never resolved (the agent makes the connection); it only fills the URL and Host header.
  // A socketPath here would make Node bypass the agent entirely.
  return { ...neutral, socketPath: undefined, host: 'docker', port: 80, agent: endpoint.agent }
}

function parseVersion(info: unknown): { engineVersion: string; serverApi: string; minApi: string | undefined } {
  const v = (typeof info === 'object' && info !== null ? info : {}) as Record<string, unknown>
  const serverApi = typeof v.ApiVersion === 'string' ? v.ApiVersion : ''
  if (!isApiVersion(serverApi)) {
    // Something answered on the socket, but not a Docker engine (or a proxy in front of one).
    throw new AppError('docker_unreachable', 'The endpoint did not answer GET /version like a Docker engine')
  }
  const minApi = typeof v.MinAPIVersion === 'string' && isApiVersion(v.MinAPIVersion) ? v.MinAPIVersion : undefined
  return { engineVersion: typeof v.Version === 'string' ? v.Version : 'unknown', serverApi, minApi }
}

const isApiVersion = (s: string): boolean => /^\d+\.\d+$/.test(s)

/** Numeric comparison of `major.minor` (so that 1.9 < 1.41, unlike string order). */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number)
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number)
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor
}
