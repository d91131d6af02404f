const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/

/** Docker's `since` with full precision (UNIX seconds and nine fraction digits) from a log line's timestamp. */
export function dockerSince(timestamp: string): string | undefined {
  const match = RFC3339.exec(timestamp)
  if (!match) return undefined
  const seconds = Math.floor(Date.parse(`${match[1]}${match[3]}`) / 1000)
  return `${seconds}.${(match[2] ?? '').padEnd(9, '0')}`
}

/** A key that sorts like the instant it names, whatever the fraction's length; '' when unparseable. */
export function timestampKey(timestamp: string): string {
  const since = dockerSince(timestamp)
  return since ? since.padStart(20, '0') : ''
}
