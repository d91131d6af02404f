import { useEffect, useState } from 'react'
import type { StatsSample } from '../../../../../src-preload/contract/containers'
import { openStream } from '../../../lib/api'
import type { ApiError } from '../../../lib/api-error'

/** Five minutes at the engine's ~1 sample/s. */
export const HISTORY = 300

export interface StatsHistory {
  /** UNIX seconds, CPU %, memory bytes: uPlot's column layout, oldest first. */
  time: number[]
  cpu: number[]
  memory: number[]
}

interface StatsState {
  latest: StatsSample | null
  history: StatsHistory
  error: ApiError | null
  ended: boolean
}

const EMPTY: StatsState = { latest: null, history: { time: [], cpu: [], memory: [] }, error: null, ended: false }

const append = (values: number[], value: number): number[] => {
  const next = values.length >= HISTORY ? values.slice(values.length - HISTORY + 1) : values.slice()
  next.push(value)
  return next
}

/** Follows `containers.stats` while mounted; `retry()` reopens after an error. */
export function useContainerStats(hostId: string, containerId: string): StatsState & { retry(): void } {
  const [state, setState] = useState<StatsState>(EMPTY)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    const subscription = openStream(
      'containers.stats',
      { hostId, containerId },
      {
        onData: (sample) =>
          setState((current) => ({
            latest: sample,
            history: {
              time: append(current.history.time, Date.parse(sample.read) / 1000 || Date.now() / 1000),
              cpu: append(current.history.cpu, sample.cpuPercent),
              memory: append(current.history.memory, sample.memoryUsage),
            },
            error: null,
            ended: false,
          })),
        onEnd: (error) => setState((current) => ({ ...current, error: error ?? null, ended: true })),
      },
    )
    return () => subscription.close()
  }, [hostId, containerId, attempt])
  return {
    ...state,
    retry: () => {
      setState((current) => ({ ...current, error: null, ended: false }))
      setAttempt((n) => n + 1)
    },
  }
}
