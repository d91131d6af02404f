import { closeSync, openSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createCore } from './bootstrap'
import { isAppError } from './core/shared/app-error'
import { createLogger } from './infra/logging/logger'
import { KeyFileWrapper } from './infra/secrets/key-file-wrapper'
import { isLoopback, parseServeArgs, USAGE, UsageError } from './server/cli-options'
import { startHttpServer } from './server/http-server'

/** Headless mode: the same core as the desktop app, behind HTTP + WebSocket with token auth. */
async function main(): Promise<void> {
  const logger = createLogger()
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

  if (core.tokens.isEmpty()) {
    const admin = core.tokens.create({ name: 'admin (first start)', role: 'admin' })
    const path = join(dataDir, 'admin-token')
    const fd = openSync(path, 'w', 0o600)
    try {
      writeSync(fd, `${admin.token}\n`)
    } finally {
      closeSync(fd)
    }
    process.stdout.write(`admin token written to ${path}\n`)
  }

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

main().catch((err: unknown) => {
  const message = isAppError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)
  process.stderr.write(`glinrdock serve failed: ${message}\n`)
  process.exit(1)
})
