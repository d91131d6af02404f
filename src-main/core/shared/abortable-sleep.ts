/** Waits `ms`, or rejects as soon as `signal` aborts (at once if it already has), with its reason as an Error. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const reason = (): Error => (signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    if (signal.aborted) return reject(reason())
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(reason())
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
