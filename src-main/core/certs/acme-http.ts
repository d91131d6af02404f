import { AsyncLocalStorage } from 'node:async_hooks'
import http from 'node:http'
import https from 'node:https'
import * as acme from 'acme-client'

/**
 * The ACME connection. acme-client sends every request through one module-wide axios instance and takes no agent,
 * signal or timeout per client, so each order runs inside an AsyncLocalStorage context that one pair of
 * interceptors reads:
 *   - requests to the directory's origin get that directory's agent (which trusts only `caFile` when one is given:
 *     a test CA is trusted for this connection alone, never for the process, and the system store stays as is);
 *   - the job's AbortSignal and a timeout, so a cancel ends a request at once;
 *   - acme-client's own retries are off (they sleep up to 25 s per attempt, ignore the signal, and wait out any
 *     Retry-After in-process): a failure ends the attempt and the scheduler's backoff retries it;
 *   - the last error answer's Retry-After is kept, since acme-client's errors carry only the CA's `detail`.
 * Requests made outside such a context are left alone.
 */

const REQUEST_TIMEOUT_MS = 30_000

export interface AcmeCallContext {
  origin: string
  agent: https.Agent
  signal: AbortSignal
  /** The Retry-After of the last error answer (rate limits, 503), as sent. */
  retryAfter: string | null
  /** Whether the last request got an answer (else its failure is the network's, not the CA's). */
  answered: boolean
  /** The last answer's HTTP status. */
  lastStatus: number | null
}

const calls = new AsyncLocalStorage<AcmeCallContext>()
let installed = false

function installInterceptors(): void {
  if (installed) return
  installed = true
  acme.axios.interceptors.request.use((config) => {
    const ctx = calls.getStore()
    if (!ctx || !config.url) return config
    ctx.answered = false
    if (sameOrigin(config.url, ctx.origin)) config.httpsAgent = ctx.agent
    config.signal = ctx.signal
    config.timeout = REQUEST_TIMEOUT_MS
    // acme-client retries while `retryAttempt <= retryMaxAttempts` after incrementing it: never, from here.
    ;(config as { retryAttempt?: number }).retryAttempt = Number.POSITIVE_INFINITY
    return config
  })
  acme.axios.interceptors.response.use((response) => {
    const ctx = calls.getStore()
    if (ctx) {
      ctx.answered = true
      ctx.lastStatus = response.status
    }
    if (ctx && response.status >= 400) {
      const value = response.headers['retry-after'] as unknown
      ctx.retryAfter = typeof value === 'string' ? value : null
    }
    return response
  })
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin
  } catch {
    return false
  }
}

export interface HttpAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** One ACME server: its agent, and the context orders and plain GETs (directory, ARI) run in. */
export class AcmeConnection {
  readonly origin: string
  private readonly agent: https.Agent

  constructor(
    readonly directoryUrl: string,
    caPem: string | null,
  ) {
    installInterceptors()
    this.origin = new URL(directoryUrl).origin
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 4, ...(caPem ? { ca: caPem } : {}) })
  }

  /** Runs acme-client calls with this connection's agent and the caller's signal. */
  run<T>(signal: AbortSignal, fn: (ctx: AcmeCallContext) => Promise<T>): Promise<T> {
    const ctx: AcmeCallContext = {
      origin: this.origin,
      agent: this.agent,
      signal,
      retryAfter: null,
      answered: false,
      lastStatus: null,
    }
    return calls.run(ctx, () => fn(ctx))
  }

  /** An unauthenticated GET (the directory, a RenewalInfo resource). */
  get(url: string, signal: AbortSignal): Promise<HttpAnswer> {
    const target = new URL(url)
    const client = target.protocol === 'http:' ? http : https
    const agent = target.origin === this.origin && target.protocol === 'https:' ? this.agent : undefined
    return new Promise((resolve, reject) => {
      const req = client.get(
        target,
        { agent, signal, timeout: REQUEST_TIMEOUT_MS, headers: { accept: 'application/json' } },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > 1024 * 1024) req.destroy(new Error(`${url} answered more than 1 MiB`))
            else chunks.push(chunk)
          })
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          res.on('error', reject)
        },
      )
      req.on('timeout', () => req.destroy(new Error(`${url} did not answer in ${REQUEST_TIMEOUT_MS / 1000} s`)))
      req.on('error', reject)
    })
  }

  dispose(): void {
    this.agent.destroy()
  }
}
