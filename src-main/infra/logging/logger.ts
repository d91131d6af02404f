import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino'

export type Logger = PinoLogger

/**
 * Keys whose values are secrets wherever they appear (two levels deep covers request bodies and
 * headers). Redaction is by key so a new secret field is safe as long as it keeps one of these names.
 */
const SECRET_KEYS = ['token', 'password', 'passphrase', 'privateKey', 'secret', 'authorization', 'dataKey']
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`])

export interface LoggerOptions {
  level?: string
  destination?: DestinationStream
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.GLINRDOCK_LOG_LEVEL ?? 'info',
      base: { app: 'glinrdock' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  )
}

/** Scoped child logger: every line carries `scope` so one domain's output can be filtered. */
export const scoped = (logger: Logger, scope: string): Logger => logger.child({ scope })
