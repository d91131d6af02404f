import type Dockerode from 'dockerode'
import { compareApiVersions } from './docker-client'

/** The API version every request of this client is pinned to (`1.41`), as negotiated by `createDockerClient`. */
export function apiVersionOf(docker: Dockerode): string | undefined {
  const version = (docker.modem as { version?: unknown }).version
  return typeof version === 'string' ? version.replace(/^v/, '') : undefined
}

/** True when the client speaks at least `min`; an unpinned client is treated as the oldest engine. */
export function apiAtLeast(docker: Dockerode, min: string): boolean {
  const version = apiVersionOf(docker)
  return version !== undefined && compareApiVersions(version, min) >= 0
}

export interface DiskUsage {
  Images?: { Id: string; Size: number; SharedSize: number }[] | null
  Volumes?: { Name: string; UsageData?: { Size: number; RefCount: number } | null }[] | null
}

export type DiskUsageType = 'container' | 'image' | 'volume' | 'build-cache'

/**
 * `GET /system/df`. From API 1.42 `type=` limits the work to what is asked for; before that the engine also
 * sizes every container's writable layer, which can take seconds on a busy host, so callers decide whether
 * the full answer is worth it (dockerode's `df()` sends no query at all, hence the direct dial).
 */
export async function systemDf(docker: Dockerode, types: DiskUsageType[]): Promise<DiskUsage> {
  const options = apiAtLeast(docker, '1.42') ? { type: types } : {}
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: '/system/df?',
        method: 'GET',
        options,
        statusCodes: { 200: true, 400: 'bad request', 500: 'server error' },
      },
      (err: unknown, data: unknown) => (err ? reject(err) : resolve((data ?? {}) as DiskUsage)),
    )
  })
}
