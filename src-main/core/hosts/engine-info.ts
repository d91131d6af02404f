import { existsSync } from 'node:fs'
import type Dockerode from 'dockerode'
import type { DockerEngineInfo } from '../../../src-preload/contract/hosts'
import type { ErrorCode } from '../../../src-preload/contract/errors'
import { mapDockerError } from '../../infra/docker'
import { AppError, isAppError } from '../shared/app-error'

export interface EngineFailure {
  code: ErrorCode
  message: string
}

/** What a host card shows about its engine: `GET /info` and `GET /version`, bounded by `timeoutMs`. */
export async function readEngineInfo(docker: Dockerode, timeoutMs = 10_000): Promise<DockerEngineInfo> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('docker_unreachable', `The Docker engine did not answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
  })
  try {
    const [info, version] = await Promise.race([Promise.all([docker.info(), docker.version()]), timedOut])
    return engineInfoOf(info as Record<string, unknown>, version as unknown as Record<string, unknown>)
  } catch (err) {
    throw mapDockerError(err, 'Docker engine')
  } finally {
    clearTimeout(timer)
  }
}

/** What a host card shows about its engine, from its `GET /info` and `GET /version` answers. */
export function engineInfoOf(info: Record<string, unknown>, version: Record<string, unknown>): DockerEngineInfo {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
  const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
  return {
    version: text(version.Version) ?? 'unknown',
    apiVersion: text(version.ApiVersion) ?? 'unknown',
    os: text(info.OperatingSystem) ?? text(version.Os) ?? 'unknown',
    arch: text(version.Arch) ?? 'unknown',
    cpus: count(info.NCPU),
    memoryBytes: count(info.MemTotal),
  }
}

/**
 * Why an engine could not be reached, in the words a person needs: for a local socket that is not there, that it
 * does not exist (docker-modem only says ENOENT). Errors of the link under a remote engine keep their code
 * (`host_unreachable` is the SSH side, `docker_unreachable` the socket behind it).
 */
export function engineFailure(err: unknown, target: { kind: 'local' | 'ssh'; socketPath: string }): EngineFailure {
  const mapped = isAppError(err) ? err : mapDockerError(err, 'Docker engine')
  if (target.kind === 'local' && mapped.code === 'docker_unreachable' && !existsSync(target.socketPath)) {
    return { code: 'docker_unreachable', message: `The Docker socket ${target.socketPath} does not exist` }
  }
  if (mapped.code === 'internal') return { code: 'docker_unreachable', message: mapped.message }
  return { code: mapped.code, message: mapped.message }
}
