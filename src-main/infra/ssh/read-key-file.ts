import { constants } from 'node:fs'
import { open, realpath } from 'node:fs/promises'

export const MAX_KEY_FILE_BYTES = 64 * 1024

export class KeyFileError extends Error {}

/**
 * Reads a private key file the user named, refusing anything that is not a small regular file: a path
 * to `/dev/zero` once exhausted memory (and, stored, crashed every restart), a FIFO blocked the process
 * so that not even SIGTERM was handled. Links are resolved first, the file is opened non-blocking (a
 * FIFO would otherwise block in `open` itself), checked through the open descriptor (no swap between
 * check and read), and read with a size cap and a timeout.
 */
export async function readKeyFile(path: string, timeoutMs = 2_000): Promise<string> {
  let resolved: string
  try {
    resolved = await realpath(path)
  } catch {
    throw new KeyFileError(`No key file at ${path}`)
  }
  let handle
  try {
    handle = await open(resolved, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (err) {
    throw new KeyFileError(`Cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) throw new KeyFileError(`${path} is not a regular file`)
    if (stat.size > MAX_KEY_FILE_BYTES) throw new KeyFileError(`${path} is larger than 64 KiB: not a private key`)
    // Files such as /proc/*/environ report size 0 and still have content: read at most one byte past the cap.
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1)
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KeyFileError(`Reading ${path} took longer than ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      let length = 0
      while (length < buffer.length) {
        const { bytesRead } = await Promise.race([
          handle.read(buffer, length, buffer.length - length, length),
          timedOut,
        ])
        if (bytesRead === 0) break
        length += bytesRead
      }
      if (length > MAX_KEY_FILE_BYTES) throw new KeyFileError(`${path} is larger than 64 KiB: not a private key`)
      return buffer.subarray(0, length).toString('utf8')
    } finally {
      clearTimeout(timer)
    }
  } finally {
    void handle.close().catch(() => undefined)
  }
}
