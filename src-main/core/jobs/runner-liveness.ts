import type { ForeignRunning, Runner } from './job-store'

/** True when a process with this id exists (EPERM: it exists but is someone else's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Runners alive in this process (one in the app; tests may build several on one store). */
const LIVE_HERE = new Set<string>()
export const runnerStarted = (id: string): void => void LIVE_HERE.add(id)
export const runnerStopped = (id: string): void => void LIVE_HERE.delete(id)

/**
 * Whether the runner holding a running job is gone, so the job will never finish. The desktop app and
 * `serve` may share one store, so "running at start-up" alone does not mean dead: another live process
 * may hold the job. Gone means: no runner recorded (a row left by a crash of an older build), a heartbeat
 * older than `staleMs`, or a runner on this machine whose process no longer exists. The pid check makes
 * recovery after a kill -9 immediate; the heartbeat covers pid reuse and runners in other pid namespaces.
 */
export function runnerGone(
  job: ForeignRunning,
  self: Runner,
  nowMs: number,
  staleMs: number,
  exists: (pid: number) => boolean = processExists,
): boolean {
  if (job.runnerPid === null || job.heartbeatAt === null || job.runnerId === null) return true
  const beat = Date.parse(job.heartbeatAt)
  if (!Number.isFinite(beat) || nowMs - beat > staleMs) return true
  if (job.runnerHost !== self.host) return false
  // Our own pid under a runner this process never started is the process we replaced (pid 1 in a
  // restarted container, say), not a live neighbour.
  if (job.runnerPid === self.pid) return !LIVE_HERE.has(job.runnerId)
  return !exists(job.runnerPid)
}
