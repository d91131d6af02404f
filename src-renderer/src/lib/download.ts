/** Saves text as a file through a Blob URL (no server round trip; the URL is revoked right after). */
export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A file-name-safe timestamp: 2026-01-02T03-04-05. */
export const fileStamp = (date = new Date()): string => date.toISOString().slice(0, 19).replace(/:/g, '-')
