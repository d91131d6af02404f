/**
 * The parts of a `GET /containers/{id}/stats` sample that `docker stats` reads. Everything is optional: a stopped
 * container, cgroup v2, `--network none` and Windows engines all leave different fields out or null.
 */
export interface StatsSample {
  read?: string
  pids_stats?: { current?: number } | null
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null
  memory_stats?: {
    usage?: number
    limit?: number
    stats?: Record<string, number> | null
  } | null
  blkio_stats?: {
    io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null
  } | null
  cpu_stats?: CpuStats | null
  precpu_stats?: CpuStats | null
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null } | null
  system_cpu_usage?: number
  online_cpus?: number
}

export interface ContainerStats {
  cpuPercent: number
  /** Bytes, page cache excluded (what `docker stats` shows as MEM USAGE). */
  memoryUsage: number
  memoryLimit: number
  memoryPercent: number
  networkRx: number
  networkTx: number
  blockRead: number
  blockWrite: number
  pids: number
  /** The daemon's time of the sample (RFC 3339); empty when the sample has none. */
  read: string
}

/** Computes one row of `docker stats` from a sample, with the same formulas as the docker CLI (stats_helpers.go). */
export function computeStats(sample: StatsSample): ContainerStats {
  const memory = sample.memory_stats ?? {}
  const memoryUsage = memoryUsageNoCache(memory.usage ?? 0, memory.stats ?? {})
  const memoryLimit = memory.limit ?? 0
  const { read: blockRead, write: blockWrite } = blockIo(sample.blkio_stats?.io_service_bytes_recursive ?? [])
  const { rx: networkRx, tx: networkTx } = network(sample.networks ?? {})
  return {
    cpuPercent: cpuPercent(sample.cpu_stats ?? {}, sample.precpu_stats ?? {}),
    memoryUsage,
    memoryLimit,
    // A limit of 0 means the container is not running and the cgroup gave no data.
    memoryPercent: memoryLimit > 0 ? (memoryUsage / memoryLimit) * 100 : 0,
    networkRx,
    networkTx,
    blockRead,
    blockWrite,
    pids: sample.pids_stats?.current ?? 0,
    read: sample.read ?? '',
  }
}

function cpuPercent(cpu: CpuStats, precpu: CpuStats): number {
  // Deliberate difference from the CLI: the first sample of a stream has an empty precpu_stats, and the CLI then
  // divides lifetime container time by host time since boot, a meaningless figure. No previous reading means 0.
  if (!precpu.system_cpu_usage) return 0
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (precpu.cpu_usage?.total_usage ?? 0)
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (precpu.system_cpu_usage ?? 0)
  // Engines before API 1.27 do not report online_cpus; the CLI then counts the per-CPU array (absent on cgroup v2).
  const onlineCpus = cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 0
  // A counter reset (container restarted between samples) gives a negative delta.
  if (cpuDelta > 0 && systemDelta > 0) return (cpuDelta / systemDelta) * onlineCpus * 100
  return 0
}

/**
 * Page cache is reclaimable, so `docker stats` leaves it out. cgroup v1 reports it as `total_inactive_file`
 * (checked first, as the CLI does), cgroup v2 as `inactive_file`; neither is subtracted if not below usage.
 */
function memoryUsageNoCache(usage: number, stats: Record<string, number>): number {
  const v1 = stats.total_inactive_file
  if (v1 !== undefined && v1 < usage) return usage - v1
  const v2 = stats.inactive_file ?? 0
  if (v2 < usage) return usage - v2
  return usage
}

function network(networks: Record<string, { rx_bytes?: number; tx_bytes?: number }>): { rx: number; tx: number } {
  let rx = 0
  let tx = 0
  for (const iface of Object.values(networks)) {
    rx += iface.rx_bytes ?? 0
    tx += iface.tx_bytes ?? 0
  }
  return { rx, tx }
}

/** cgroup v1 names the ops `Read`/`Write`, cgroup v2 `read`/`write`; the CLI looks only at the first letter. */
function blockIo(entries: Array<{ op?: string; value?: number }>): { read: number; write: number } {
  let read = 0
  let write = 0
  for (const entry of entries) {
    const first = entry.op?.[0]?.toLowerCase()
    if (first === 'r') read += entry.value ?? 0
    else if (first === 'w') write += entry.value ?? 0
  }
  return { read, write }
}
