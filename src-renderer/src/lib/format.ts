const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** Bytes in IEC units, as `docker stats` prints them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`
}

export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '–'
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}%`
}

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12)

/** `8080→80/tcp`; the engine lists a published port once per address family, shown once here. */
