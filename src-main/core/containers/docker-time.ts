/**
 * Docker's RFC3339NanoFixed timestamp ("2026-01-02T03:04:05.123456789Z") as the `since` parameter
 * the engine accepts with full precision: UNIX seconds with a nine-digit fraction.
 */
export function dockerSinceFromTimestamp(timestamp: string): string {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp)
  if (!match) throw new Error(`Not an RFC 3339 timestamp: ${timestamp}`)
  const seconds = Math.floor(Date.parse(`${match[1]}${match[3]}`) / 1000)
  return `${seconds}.${(match[2] ?? '').padEnd(9, '0')}`
}
