/**
 * One underlying subscription per key, however many components watch it: the first watcher starts it,
 * the last one to leave stops it. Each returned release function works once.
 */
export function sharedSubscriptions<K>(start: (key: K) => () => void): (key: K) => () => void {
  const live = new Map<K, { count: number; stop: () => void }>()
  return (key) => {
    let entry = live.get(key)
    if (!entry) {
      entry = { count: 0, stop: start(key) }
      live.set(key, entry)
    }
    entry.count++
    const watched = entry
    let released = false
    return () => {
      if (released) return
      released = true
      if (--watched.count === 0) {
        watched.stop()
        live.delete(key)
      }
    }
  }
}
