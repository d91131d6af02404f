/**
 * One run per key per burst: each call for a key restarts its wait, so a burst of pushes that name the same
 * list ends in one refetch, `delayMs` after the last push. Calls for other keys wait on their own.
 */
export function keyedDebounce(delayMs: number): (key: string, run: () => void) => void {
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  return (key, run) => {
    clearTimeout(timers.get(key))
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key)
        run()
      }, delayMs),
    )
  }
}
