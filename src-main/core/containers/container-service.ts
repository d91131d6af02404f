import type Dockerode from 'dockerode'
import type { ContainerSummary, LogLine, StatsSample } from '../../../src-preload/contract/containers'
import { computeStats, containerOf, fetchLogs, isTty, mapDockerError } from '../../infra/docker'
import type { HostConnections } from '../hosts/host-connections'
import { toContainerSummary } from './container-summary'

/** The engine answers 304 to starting a running or stopping a stopped container; like the CLI, that is success. */
function alreadyInState(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 304) throw err
}

export interface LogsQuery {
  tail?: number
  since?: string
  timestamps?: boolean
}

/** Containers on any host, including ones glinrdock did not create, through the engine's API only. */
export class ContainerService {
  constructor(private readonly connections: HostConnections) {}

  async docker(hostId: string): Promise<Dockerode> {
    return this.connections.get(hostId).docker()
  }

  async list(hostId: string, filters?: Record<string, string[]>): Promise<ContainerSummary[]> {
    const docker = await this.docker(hostId)
    try {
      const infos = await docker.listContainers({ all: true, ...(filters ? { filters } : {}) })
      return infos.map(toContainerSummary)
    } catch (err) {
      throw mapDockerError(err, 'containers')
    }
  }

  async inspect(hostId: string, containerId: string): Promise<Record<string, unknown>> {
    return this.run(hostId, containerId, (c) => c.inspect() as Promise<unknown> as Promise<Record<string, unknown>>)
  }

  async start(hostId: string, containerId: string): Promise<void> {
    await this.run(hostId, containerId, (c) => c.start().catch(alreadyInState))
  }

  async stop(hostId: string, containerId: string, timeoutSeconds?: number): Promise<void> {
    await this.run(hostId, containerId, (c) =>
      c.stop(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }).catch(alreadyInState),
    )
  }

  async restart(hostId: string, containerId: string, timeoutSeconds?: number): Promise<void> {
    await this.run(hostId, containerId, (c) => c.restart(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }))
  }

  async remove(hostId: string, containerId: string, force = false): Promise<void> {
    await this.run(hostId, containerId, (c) => c.remove({ force }))
  }

  /** `docker kill`: SIGKILL unless a signal is named; the engine accepts names and numbers alike. */
  async kill(hostId: string, containerId: string, signal?: string | number): Promise<void> {
    await this.run(hostId, containerId, (c) => c.kill(signal === undefined ? {} : { signal: String(signal) }))
  }

  async pause(hostId: string, containerId: string): Promise<void> {
    await this.run(hostId, containerId, (c) => c.pause())
  }

  async unpause(hostId: string, containerId: string): Promise<void> {
    await this.run(hostId, containerId, (c) => c.unpause())
  }

  /** A snapshot of the logs (no follow), demultiplexed, stdout and stderr told apart. */
  async logs(hostId: string, containerId: string, query: LogsQuery): Promise<{ tty: boolean; lines: LogLine[] }> {
    const docker = await this.docker(hostId)
    try {
      const tty = await isTty(docker, containerId)
      const lines = await fetchLogs(docker, containerId, {
        tty,
        timestamps: query.timestamps ?? false,
        ...(query.tail !== undefined ? { tail: query.tail } : {}),
        ...(query.since ? { since: query.since } : {}),
      })
      return { tty, lines }
    } catch (err) {
      throw mapDockerError(err, `container ${containerId}`)
    }
  }

  /** One stats sample, computed as `docker stats` does (the engine waits for a second reading). */
  async stats(hostId: string, containerId: string): Promise<StatsSample> {
    return this.run(hostId, containerId, async (container) => {
      const sample = await container.stats({ stream: false })
      return computeStats(sample as never)
    })
  }

  private async run<T>(
    hostId: string,
    containerId: string,
    action: (c: Dockerode.Container) => Promise<T>,
  ): Promise<T> {
    const docker = await this.docker(hostId)
    try {
      return await action(containerOf(docker, containerId))
    } catch (err) {
      throw mapDockerError(err, `container ${containerId}`)
    }
  }
}
