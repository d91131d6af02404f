import type { HostMetrics } from '../../../src-preload/contract/containers'
import { computeStats, containerOf } from '../../infra/docker'
import type { StreamControl, StreamSink } from '../rpc/stream-channel'
import { toErrorBody } from '../shared/app-error'
import type { ContainerService } from './container-service'

const INTERVAL_MS = 3000
const CONCURRENCY = 8

interface RawSample {
  cpu_stats: unknown
  [key: string]: unknown
}

/**
 * Fleet-dashboard numbers for one host: running/total containers and the sum of their CPU and memory.
 * Each tick takes one `one-shot` sample per running container (no second reading in the engine) and
 * computes CPU from the previous tick's sample, so a host with 50 containers costs 50 cheap calls.
 */
export function openHostMetricsStream(
  containers: ContainerService,
  hostId: string,
  sink: StreamSink<HostMetrics>,
): StreamControl {
  let closed = false
  let timer: NodeJS.Timeout | undefined
  const previous = new Map<string, RawSample>()

  async function sampleOne(id: string): Promise<{ cpu: number | null; memory: number }> {
    const docker = await containers.docker(hostId)
    const raw = (await containerOf(docker, id).stats({
      stream: false,
      'one-shot': true,
    } as never)) as unknown as RawSample
    const before = previous.get(id)
    previous.set(id, raw)
    const stats = computeStats({ ...raw, precpu_stats: before?.cpu_stats ?? {} } as never)
    return { cpu: before ? stats.cpuPercent : null, memory: stats.memoryUsage }
  }

  async function tick(): Promise<void> {
    try {
      const list = await containers.list(hostId)
      const running = list.filter((c) => c.state === 'running').map((c) => c.id)
      for (const id of [...previous.keys()]) if (!running.includes(id)) previous.delete(id)
      // CPU is known only when every running container has a previous reading; a partial sum would read low.
      let cpuPercent: number | null = 0
      let memoryUsage = 0
      for (let i = 0; i < running.length; i += CONCURRENCY) {
        const samples = await Promise.allSettled(running.slice(i, i + CONCURRENCY).map(sampleOne))
        for (const sample of samples) {
          if (sample.status === 'fulfilled') {
            cpuPercent = cpuPercent === null || sample.value.cpu === null ? null : cpuPercent + sample.value.cpu
            memoryUsage += sample.value.memory
          }
        }
      }
      if (!closed) sink.data({ running: running.length, total: list.length, cpuPercent, memoryUsage })
    } catch (err) {
      // An unreachable host shows as such in its state; the metrics just pause until it is back.
      if ((err as { code?: string }).code === 'not_found') return finish(err)
    }
    if (!closed) timer = setTimeout(() => void tick(), INTERVAL_MS)
  }

  function finish(error?: unknown): void {
    if (closed) return
    closed = true
    clearTimeout(timer)
    sink.end(error ? toErrorBody(error) : undefined)
  }

  void tick()
  return { close: () => finish() }
}
