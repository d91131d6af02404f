/** Runs `work` for every item with at most `limit` in flight; rejects with the first failure once all settled. */
export async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: { err: unknown } | undefined
  const lanes = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!
      try {
        await work(item)
      } catch (err) {
        failure ??= { err }
      }
    }
  })
  await Promise.all(lanes)
  if (failure) throw failure.err
}
