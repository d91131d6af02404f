import { describe, expect, it } from 'vitest'
import { computeStats, type StatsSample } from './container-stats'
// v1: a real sample from Docker 20.10 on cgroup v1 (memory and blkio values edited to exercise the formulas).
import cgroupV1 from './fixtures/stats-cgroup-v1.json'
// v2: the shape Docker reports on cgroup v2 (no percpu_usage, lowercase blkio ops, `inactive_file` only).
import cgroupV2 from './fixtures/stats-cgroup-v2.json'

const clone = <T>(value: T): T => structuredClone(value)

describe('computeStats', () => {
  it('matches docker stats for a cgroup v1 sample', () => {
    const stats = computeStats(cgroupV1 as StatsSample)
    // (3067361072 - 2066154598) / (12773270000000 - 12771290000000) * 2 CPUs * 100
    expect(stats.cpuPercent).toBeCloseTo((1001206474 / 1980000000) * 2 * 100, 10)
    // total_inactive_file (10 MiB) wins over the non-hierarchical inactive_file on cgroup v1.
    expect(stats.memoryUsage).toBe(52428800 - 10485760)
    expect(stats.memoryLimit).toBe(25276502016)
    expect(stats.memoryPercent).toBeCloseTo(((52428800 - 10485760) / 25276502016) * 100, 10)
    expect(stats.networkRx).toBe(1042 + 500)
    expect(stats.networkTx).toBe(700 + 300)
    // Only Read/Write count; Sync, Async, Discard and Total would double-count.
    expect(stats.blockRead).toBe(1048576 + 2097152)
    expect(stats.blockWrite).toBe(4096 + 8192)
    expect(stats.pids).toBe(3)
    expect(stats.read).toBe('2024-05-01T10:00:01.557361641Z')
  })

  it('matches docker stats for a cgroup v2 sample', () => {
    const stats = computeStats(cgroupV2 as StatsSample)
    expect(stats.cpuPercent).toBeCloseTo((250000000 / 4000000000) * 4 * 100, 10)
    expect(stats.memoryUsage).toBe(27709440 - 7467008)
    expect(stats.memoryLimit).toBe(8217161728)
    expect(stats.memoryPercent).toBeCloseTo(((27709440 - 7467008) / 8217161728) * 100, 10)
    expect(stats.networkRx).toBe(14532)
    expect(stats.networkTx).toBe(3360)
    expect(stats.blockRead).toBe(6750208)
    expect(stats.blockWrite).toBe(12288)
    expect(stats.pids).toBe(5)
  })

  it('reports 0 % CPU for the first sample of a stream, whose precpu_stats is empty', () => {
    const first = clone(cgroupV2) as StatsSample
    // What the daemon sends before it has a previous reading: zero usage, no system counter, no CPU count.
    first.precpu_stats = { cpu_usage: { total_usage: 0 }, throttling_data: {} } as StatsSample['precpu_stats']
    expect(computeStats(first).cpuPercent).toBe(0)
  })

  it('reports 0 % CPU when either delta is not positive', () => {
    const idle = clone(cgroupV1) as StatsSample
    idle.cpu_stats!.cpu_usage!.total_usage = idle.precpu_stats!.cpu_usage!.total_usage
    expect(computeStats(idle).cpuPercent).toBe(0)
    const reset = clone(cgroupV1) as StatsSample
    reset.cpu_stats!.system_cpu_usage = 1
    expect(computeStats(reset).cpuPercent).toBe(0)
  })

  it('falls back to the per-CPU array length when online_cpus is missing', () => {
    const old = clone(cgroupV1) as StatsSample
    delete old.cpu_stats!.online_cpus
    old.cpu_stats!.cpu_usage!.percpu_usage = [1, 2, 3, 4]
    expect(computeStats(old).cpuPercent).toBeCloseTo((1001206474 / 1980000000) * 4 * 100, 10)
  })

  it('does not subtract a page cache that is not below the usage', () => {
    const sample = clone(cgroupV2) as StatsSample
    sample.memory_stats!.stats!.inactive_file = sample.memory_stats!.usage!
    expect(computeStats(sample).memoryUsage).toBe(27709440)
  })

  it('returns zeros for a stopped container, which has no cgroup data', () => {
    const stopped: StatsSample = {
      read: '0001-01-01T00:00:00Z',
      pids_stats: {},
      networks: null,
      memory_stats: {},
      blkio_stats: { io_service_bytes_recursive: null },
      cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} } as StatsSample['cpu_stats'],
      precpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} } as StatsSample['precpu_stats'],
    }
    expect(computeStats(stopped)).toEqual({
      cpuPercent: 0,
      memoryUsage: 0,
      memoryLimit: 0,
      memoryPercent: 0,
      networkRx: 0,
      networkTx: 0,
      blockRead: 0,
      blockWrite: 0,
      pids: 0,
      read: '0001-01-01T00:00:00Z',
    })
  })
})
