export interface BackoffOptions {
  initialMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 }

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, initial·2^(attempt-1))). The jitter keeps
 * many tunnels that lost the same network from reconnecting in lockstep. `attempt` counts from 1.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}
