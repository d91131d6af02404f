/**
 * Exponential backoff with full jitter (AWS's "full jitter"): the delay is uniform in [0, cap·2^n],
 * so many clients that lost the same server do not come back in lockstep.
 */
export function backoffDelay(attempt: number, initialMs = 500, maxMs = 30_000, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt))
  return Math.max(initialMs / 2, Math.round(random() * ceiling))
}
