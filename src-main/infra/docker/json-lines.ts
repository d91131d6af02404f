import type { IncomingMessage } from 'node:http'
import { AppError } from '../../core/shared/app-error'

const MAX_LINE_BYTES = 1024 * 1024
const MAX_ERROR_BODY_BYTES = 64 * 1024

/** The `message` of an engine's error answer (JSON `{message}`, or the text as it came), capped. */
export function readErrorMessage(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => {
      if (body.length < MAX_ERROR_BODY_BYTES) body += chunk
    })
    res.on('end', () => {
      try {
        const parsed = JSON.parse(body) as { message?: unknown }
        resolve(typeof parsed.message === 'string' ? parsed.message.trim() : body.trim())
      } catch {
        resolve(body.trim())
      }
    })
    res.on('error', reject)
  })
}

/**
 * An engine's NDJSON answer (pull and build progress) object by object. Resolves at its end; rejects on an abort,
 * on `onLine` throwing (an `error` line the caller turned into a failure), on an over-long line, and on a link cut
 * before the answer completed: the operation's outcome is then unknown, which is no success.
 */
export function readJsonLines<T extends object>(
  res: IncomingMessage,
  signal: AbortSignal | undefined,
  onLine: (line: T) => void,
  what: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending = ''
    let settled = false
    const settle = (err?: unknown): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      if (err === undefined) return resolve()
      res.destroy()
      reject(err)
    }
    // http.request also reacts to the signal, but a rejection here must not wait for the socket to close.
    const onAbort = (): void => settle(signal!.reason ?? new Error('aborted'))
    signal?.addEventListener('abort', onAbort, { once: true })
    const handle = (text: string): void => {
      if (text.trim() === '') return
      let line: unknown
      try {
        line = JSON.parse(text)
      } catch {
        return // not JSON: nothing the engine meant for us to act on
      }
      if (typeof line === 'object' && line !== null) onLine(line as T)
    }
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => {
      if (settled) return
      pending += chunk
      try {
        for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
          const text = pending.slice(0, nl)
          pending = pending.slice(nl + 1)
          handle(text)
        }
      } catch (err) {
        return settle(err)
      }
      if (pending.length > MAX_LINE_BYTES) settle(new AppError('internal', `The engine sent an over-long ${what} line`))
    })
    res.on('end', () => {
      try {
        handle(pending)
        settle()
      } catch (err) {
        settle(err)
      }
    })
    res.on('error', (err) => settle(err))
    res.on('close', () => {
      if (!res.complete) settle(new AppError('docker_unreachable', `The connection to the engine closed mid-${what}`))
    })
  })
}
