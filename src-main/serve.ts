import { join, resolve } from 'node:path'
import { createCore } from './bootstrap'
import { isAppError } from './core/shared/app-error'
import { createLogger } from './infra/logging/logger'
import { KeyFileWrapper } from './infra/secrets/key-file-wrapper'
import { isLoopback, parseServeArgs, USAGE, UsageError } from './server/cli-options'
import { mintFirstAdminToken, resetAdminToken } from './server/admin-token'
import { startHttpServer } from './server/http-server'

/** Headless mode: the same core as the desktop app, behind HTTP + WebSocket with token auth. */
async function main(): Promise<void> {
  const logger = createLogger()
  installLastResortHandlers(logger)
  let options
  try {
    options = parseServeArgs(process.argv.slice(2))
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`)
      process.exit(2)
    }
    throw err
  }
  const dataDir = resolve(options.dataDir)
  const core = await createCore({
    dataDir,
    mode: 'headless',
    logger,
    keyWrapper: (dir) => new KeyFileWrapper(join(dir, 'secret.key')),
  })

  if (options.resetAdminToken) {
    const created = resetAdminToken(core.tokens)
    process.stdout.write(
      `new admin token "${created.name}" (shown once; store it, then revoke tokens you no longer trust):\n${created.token}\n`,
    )
    core.dispose()
    return
  }
  const tokenPath = mintFirstAdminToken(core.tokens, dataDir)
  if (tokenPath) process.stdout.write(`admin token written to ${tokenPath}\n`)

  if (!isLoopback(options.host)) {
    logger.warn({ host: options.host }, 'listening on a non-loopback address: anyone who can reach it can try tokens')
  }
  const rendererDir = process.env.GLINRDOCK_RENDERER_DIR ?? join(__dirname, '../renderer')
  const server = await startHttpServer({
    core,
    logger,
    host: options.host,
    port: options.port,
    rendererDir,
    allowedHosts: options.allowedHosts,
    restRatePerMinute: options.restRatePerMinute,
  })
  process.stdout.write(`listening on ${server.url}\n`)

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    server
      .close()
      .then(() => core.dispose())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

/**
 * Every request, stream and event handler has its own error barrier; these catch what slipped past
 * one. A rejected promise nobody awaited is a bug in one request: log it and keep serving. A thrown
 * exception may have left shared state half-updated, so the process logs it and exits non-zero, and
 * the supervisor (the systemd unit in docs/) starts it again.
 */
function installLastResortHandlers(logger: ReturnType<typeof createLogger>): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection (a request failed without an error barrier)')
  })
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception: exiting for the supervisor to restart')
    process.exit(70)
  })
}

main().catch((err: unknown) => {
  const message = isAppError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)
  process.stderr.write(`glinrdock serve failed: ${message}\n`)
  process.exit(1)
})
