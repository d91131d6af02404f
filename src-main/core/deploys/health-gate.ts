import type Dockerode from 'dockerode'
import type { HealthEvidence } from '../../../src-preload/contract/cicd'
import { fetchLogs } from '../../infra/docker/container-logs'
import { abortableSleep } from '../shared/abortable-sleep'

/** The engine's defaults for a health check field left unset (moby `container/health.go`). */
const DEFAULT_INTERVAL_NS = 30e9
const DEFAULT_RETRIES = 3
const DEFAULT_TIMEOUT_NS = 30e9
/** Above the check's own budget: the engine runs the first probe one interval after start. */
const MARGIN_MS = 5_000
const POLL_MS = 200
export const LOG_TAIL_LINES = 200

export interface GateOptions {
  /** Without a health check, how long the container must keep running. */
  stableMs: number
  signal: AbortSignal
  /** Test hook: how often the engine is asked (a request over the tunnel each time). */
  pollMs?: number
}

interface InspectedState {
  State?: {
    Status?: string
    Running?: boolean
    Restarting?: boolean
    ExitCode?: number
    StartedAt?: string
    Health?: { Status?: string; Log?: { ExitCode?: number; Output?: string; End?: string }[] | null }
  }
  Config?: {
    Tty?: boolean
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number }
  }
}

export type GateVerdict = HealthEvidence['verdict']

/** Whether a container passed its gate, and the inspect that judged it (for the evidence). */
export interface GateResult {
  ok: boolean
  verdict: GateVerdict
  last: InspectedState
}

/**
 * Waits until a just-started container is judged: with a health check (the spec's or the image's), the engine's
 * `State.Health.Status` must reach `healthy` (it fails on `unhealthy`, on exit, or once the check's own budget of
 * start period + (interval + timeout) × retries is spent); without one, the container must keep running for
 * `stableMs`. A restart policy may bring an exited container back: a restart counts as a failure all the same.
 */
export async function healthGate(docker: Dockerode, containerId: string, options: GateOptions): Promise<GateResult> {
  const container = docker.getContainer(containerId)
  const pollMs = options.pollMs ?? POLL_MS
  const began = Date.now()
  let deadline: number | null = null
  for (;;) {
    throwIfAborted(options.signal)
    const info = (await container.inspect({ abortSignal: options.signal } as never)) as unknown as InspectedState
    const state = info.State ?? {}
    const check = info.Config?.Healthcheck
    const hasCheck = check?.Test !== undefined && check.Test.length > 0 && check.Test[0] !== 'NONE'
    if (!state.Running || state.Restarting) return { ok: false, verdict: 'exited', last: info }
    if (hasCheck) {
      deadline ??= began + checkBudgetMs(check)
      const health = state.Health?.Status
      if (health === 'healthy') return { ok: true, verdict: 'healthy', last: info }
      if (health === 'unhealthy') return { ok: false, verdict: 'unhealthy', last: info }
      if (Date.now() > deadline) return { ok: false, verdict: 'timeout', last: info }
    } else if (Date.now() - began >= options.stableMs) {
      return { ok: true, verdict: 'running', last: info }
    }
    await abortableSleep(pollMs, options.signal)
  }
}

/** How long a health check may take to say `healthy` before the gate calls it a timeout. */
export function checkBudgetMs(check: {
  Interval?: number
  Timeout?: number
  StartPeriod?: number
  Retries?: number
}): number {
  const interval = check.Interval || DEFAULT_INTERVAL_NS
  const timeout = check.Timeout || DEFAULT_TIMEOUT_NS
  const retries = check.Retries || DEFAULT_RETRIES
  const startPeriod = check.StartPeriod ?? 0
  return (startPeriod + (interval + timeout) * retries) / 1e6 + MARGIN_MS
}

/**
 * What the record keeps of a container that was judged: the engine's last probe outputs (it keeps five) and the
 * container's last log lines. Read without the job's signal: a canceled deploy still keeps what it saw.
 */
export async function collectEvidence(
  docker: Dockerode,
  containerId: string,
  gate: GateResult,
): Promise<HealthEvidence> {
  const state = gate.last.State ?? {}
  const probeOutput = (state.Health?.Log ?? []).map((entry) => ({
    exitCode: entry.ExitCode ?? -1,
    output: (entry.Output ?? '').slice(0, 4096),
    at: entry.End ?? '',
  }))
  let logTail: string[] = []
  try {
    const lines = await fetchLogs(docker, containerId, { tty: gate.last.Config?.Tty ?? false, tail: LOG_TAIL_LINES })
    logTail = lines.slice(-LOG_TAIL_LINES).map((line) => line.text)
  } catch {
    logTail = ['(the container logs could not be read)']
  }
  return {
    verdict: gate.verdict,
    probeOutput,
    logTail,
    exitCode: state.Running ? null : (state.ExitCode ?? null),
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted')
}
