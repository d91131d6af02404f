const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/

/**
 * Docker's RFC 3339 nano timestamp ("2026-01-02T03:04:05.123456789Z") as the `since` value the engine
 * accepts with full precision: UNIX seconds and nine fraction digits. Shared by the main process (resuming
 * a follow) and the renderer (reopening one); undefined for anything that is not such a timestamp.
 */
export function dockerSince(timestamp: string): string | undefined {
  const match = RFC3339.exec(timestamp)
  if (!match) return undefined
  const seconds = Math.floor(Date.parse(`${match[1]}${match[3]}`) / 1000)
  return `${seconds}.${(match[2] ?? '').padEnd(9, '0')}`
}
