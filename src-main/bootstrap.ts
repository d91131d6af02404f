import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { version } from '../package.json'
import { EventBus } from './core/events/event-bus'
import { Dispatcher, type Handlers } from './core/rpc/dispatcher'
import { SecretsService } from './core/secrets/secrets-service'
import { SettingsStore } from './core/settings/settings-store'
import { SystemService } from './core/system/system-service'
import { TokenService, TokenStore } from './core/tokens'
import { scoped, type Logger } from './infra/logging/logger'
import { bundledMigrations } from './infra/sqlite/bundled-migrations'
import { openDatabase, type Database } from './infra/sqlite/open-database'
import { DataKeyStore } from './infra/secrets/data-key-store'
import type { KeyWrapper } from './infra/secrets/key-wrapper'
import { SecretBox } from './infra/secrets/secret-box'

export const APP_VERSION: string = version

export interface CoreOptions {
  dataDir: string
  mode: 'desktop' | 'headless'
  logger: Logger
  /** Built once the data dir exists: safeStorage in the desktop app, a key file in headless mode. */
  keyWrapper: (dataDir: string) => Promise<KeyWrapper> | KeyWrapper
  nativeBinding?: string
}

export interface Core {
  dispatcher: Dispatcher
  events: EventBus
  tokens: TokenService
  system: SystemService
  secrets: SecretsService
  secretBox: SecretBox
  db: Database
  dispose(): void
}

/** Binds every contract request to exactly one core service call. */
export function createHandlers(services: {
  system: SystemService
  tokens: TokenService
  secrets: SecretsService
}): Handlers {
  const { system, tokens, secrets } = services
  return {
    'system.info': () => system.info(),
    'tokens.list': () => tokens.list(),
    'tokens.create': (input) => tokens.create(input),
    'tokens.revoke': ({ id }) => {
      tokens.revoke(id)
      return {}
    },
    'secrets.status': () => secrets.status(),
    'secrets.consent': () => secrets.consent(),
  }
}

/** The composition root: the one place that builds the object graph, with plain constructors. */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
  const db = openDatabase(join(options.dataDir, 'glinrdock.db'), {
    migrations: bundledMigrations,
    nativeBinding: options.nativeBinding,
  })
  try {
    const events = new EventBus()
    const settings = new SettingsStore(db)
    const wrapper = await options.keyWrapper(options.dataDir)
    const secrets = new SecretsService(wrapper, settings, events)
    const secretBox = new SecretBox(wrapper, new DataKeyStore(db), secrets.hasConsent)
    if (!wrapper.secure) {
      options.logger.warn(
        { scope: 'secrets', backend: wrapper.backend },
        'no OS keychain: secrets are stored only after the user consents in Settings',
      )
    }
    const tokens = new TokenService(new TokenStore(db), events)
    const system = new SystemService(APP_VERSION, options.dataDir, options.mode)

    const dispatcher = new Dispatcher(createHandlers({ system, tokens, secrets }), scoped(options.logger, 'rpc'))

    return {
      dispatcher,
      events,
      tokens,
      system,
      secrets,
      secretBox,
      db,
      dispose: () => db.close(),
    }
  } catch (err) {
    db.close()
    throw err
  }
}
