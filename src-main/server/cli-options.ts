import { isIP } from 'node:net'
import { defaultDataDir } from '../core/system/data-dir'

export interface ServeOptions {
  dataDir: string
  host: string
  port: number
  allowRemote: boolean
  allowedHosts: string[]
  /** Mint a new admin token, print it, and exit: the recovery when no admin token is left. */
  resetAdminToken: boolean
  /** REST requests one token may make per minute. */
  restRatePerMinute: number
}

export const DEFAULT_PORT = 7878
export const DEFAULT_REST_RATE = 1200

export class UsageError extends Error {}

export const USAGE = `Usage: npm run serve -- [--data-dir DIR] [--listen HOST:PORT] [--allow-remote] [--allowed-host NAME]...
       npm run serve -- [--data-dir DIR] --reset-admin-token

  --data-dir DIR       where the store lives (default: $GLINRDOCK_DATA_DIR or the platform's user-data folder)
  --listen HOST:PORT   address to bind (default 127.0.0.1:${DEFAULT_PORT}; [::1]:PORT for IPv6)
  --allow-remote       required to bind an address that is not loopback
  --allowed-host NAME  also answer requests whose Host header is NAME (a DNS name you serve this under)
  --rest-rate N        REST requests one token may make per minute (default ${DEFAULT_REST_RATE}); more get 429
  --reset-admin-token  create a new admin token, print it to this terminal and exit (when every admin
                       token is lost; run it as the user that owns the data dir)`

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value)
  const port = match ? Number(match[3]) : NaN
  if (!match || port > 65535) throw new UsageError(`--listen expects HOST:PORT or [IPv6]:PORT, got ${value}`)
  return { host: (match[1] ?? match[2])!, port }
}

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const options: ServeOptions = {
    dataDir: defaultDataDir(env),
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    allowRemote: false,
    allowedHosts: [],
    resetAdminToken: false,
    restRatePerMinute: DEFAULT_REST_RATE,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--data-dir':
        options.dataDir = value()
        break
      case '--listen':
        Object.assign(options, parseListen(value()))
        break
      case '--allow-remote':
        options.allowRemote = true
        break
      case '--rest-rate': {
        const text = value()
        if (!/^\d{1,7}$/.test(text) || Number(text) < 1)
          throw new UsageError(`--rest-rate expects a whole number ≥ 1, got ${text}`)
        options.restRatePerMinute = Number(text)
        break
      }
      case '--reset-admin-token':
        options.resetAdminToken = true
        break
      case '--allowed-host':
        options.allowedHosts.push(value())
        break
      default:
        throw new UsageError(`Unknown option ${arg}`)
    }
  }
  if (!isLoopback(options.host) && !options.allowRemote) {
    throw new UsageError(
      `Refusing to listen on ${options.host}: it is not a loopback address. Pass --allow-remote if you really mean to expose glinrdock.`,
    )
  }
  return options
}
