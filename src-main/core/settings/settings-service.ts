import type { z } from 'zod'
import {
  LETSENCRYPT_DIRECTORY,
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationPreferences,
  type SettingsSummary,
  type UpdateSettingsInput,
} from '../../../src-preload/contract/cicd'
import type { SecretBox } from '../../infra/secrets/secret-box'
import type { GitCredentialSource } from '../shared/cicd-ports'
import type { SettingsStore } from './settings-store'

type ParsedUpdate = z.output<typeof UpdateSettingsInput>
type NotificationPreference = NotificationPreferences[NotificationKind]

/** Where GitHub must POST pushes; registered outside the token-authenticated `/v1` scope (see http-server.ts). */
export const GITHUB_WEBHOOK_PATH = '/v1/webhooks/github'

/** SecretBox contexts: a sealed value copied onto another key fails to open. */
export const WEBHOOK_SECRET_CONTEXT = 'settings:githubWebhookSecret'
export const GIT_SSH_KEY_CONTEXT = 'settings:gitSshKey'

const KEYS = {
  webhookSecret: 'cicd.githubWebhookSecret',
  gitSshKey: 'cicd.gitSshKey',
  notifications: 'cicd.notifications',
  protectedDeployments: 'cicd.protectedDeployments',
  acmeDirectoryUrl: 'acme.directoryUrl',
  acmeEmail: 'acme.email',
} as const

/** Where certificates are ordered and who the CA may write to; the certs domain reads it at each order. */
export interface AcmeSettings {
  directoryUrl: string
  email: string | null
}

export const DEFAULT_PROTECTED_DEPLOYMENTS = 5

/**
 * Every kind is listed and shown; a desktop (or browser) notification only for what needs the operator: failures
 * and health. A success is what was expected, and a burst of pushes would otherwise pop one up per build.
 */
export function defaultNotificationPreferences(): Record<NotificationKind, NotificationPreference> {
  const prefs = {} as Record<NotificationKind, NotificationPreference>
  for (const kind of NOTIFICATION_KINDS) {
    prefs[kind] = { enabled: true, desktop: kind.endsWith('.failed') || kind === 'health.unhealthy' }
  }
  return prefs
}

/**
 * The CI/CD settings: the GitHub webhook secret and the git ssh key (sealed, never returned: only whether they
 * are set), notification preferences per kind, how many deployments keep their images protected, and the ACME
 * directory and contact certificates are ordered with.
 */
export class SettingsService implements GitCredentialSource {
  constructor(
    private readonly store: SettingsStore,
    private readonly secrets: SecretBox,
  ) {}

  get(): SettingsSummary {
    const acme = this.acme()
    return {
      githubWebhookSecretSet: this.store.get<string>(KEYS.webhookSecret) !== undefined,
      githubWebhookPath: GITHUB_WEBHOOK_PATH,
      gitSshKeySet: this.store.get<string>(KEYS.gitSshKey) !== undefined,
      notifications: this.notificationPreferences(),
      protectedDeployments: this.protectedDeployments(),
      acmeDirectoryUrl: acme.directoryUrl,
      acmeEmail: acme.email,
    }
  }

  /**
   * Seals first (it may be refused with `secrets_consent_required`), then writes every field in one transaction:
   * a refused or failed update changes nothing. `null` removes a secret.
   */
  async update(input: ParsedUpdate): Promise<SettingsSummary> {
    const sealedSecret = await this.sealed(input.githubWebhookSecret, WEBHOOK_SECRET_CONTEXT)
    const sealedKey = await this.sealed(input.gitSshKey, GIT_SSH_KEY_CONTEXT)
    this.store.transaction(() => {
      this.write(KEYS.webhookSecret, sealedSecret)
      this.write(KEYS.gitSshKey, sealedKey)
      if (input.notifications) {
        this.store.set(KEYS.notifications, { ...this.storedPreferences(), ...input.notifications })
      }
      if (input.protectedDeployments !== undefined)
        this.store.set(KEYS.protectedDeployments, input.protectedDeployments)
      // `null` removes the key: the default (Let's Encrypt production, no contact) applies again.
      this.write(KEYS.acmeDirectoryUrl, input.acmeDirectoryUrl)
      this.write(KEYS.acmeEmail, input.acmeEmail)
    })
    return this.get()
  }

  /** The webhook secret, unsealed for one verification; `null` when none is set (webhooks are then refused). */
  async webhookSecret(): Promise<string | null> {
    const sealed = this.store.get<string>(KEYS.webhookSecret)
    return sealed === undefined ? null : this.secrets.open(sealed, WEBHOOK_SECRET_CONTEXT)
  }

  async sshPrivateKey(): Promise<string | null> {
    const sealed = this.store.get<string>(KEYS.gitSshKey)
    return sealed === undefined ? null : this.secrets.open(sealed, GIT_SSH_KEY_CONTEXT)
  }

  /** Every kind, stored choices over the defaults (a kind added later starts with its default). */
  notificationPreferences(): Record<NotificationKind, NotificationPreference> {
    return { ...defaultNotificationPreferences(), ...this.storedPreferences() }
  }

  protectedDeployments(): number {
    return this.store.get<number>(KEYS.protectedDeployments) ?? DEFAULT_PROTECTED_DEPLOYMENTS
  }

  acme(): AcmeSettings {
    return {
      directoryUrl: this.store.get<string>(KEYS.acmeDirectoryUrl) ?? LETSENCRYPT_DIRECTORY,
      email: this.store.get<string>(KEYS.acmeEmail) ?? null,
    }
  }

  private storedPreferences(): Partial<Record<NotificationKind, NotificationPreference>> {
    const stored = this.store.get<Record<string, NotificationPreference>>(KEYS.notifications) ?? {}
    // Only known kinds: a kind removed from the contract must not reach the output schema.
    return Object.fromEntries(
      Object.entries(stored).filter(([kind]) => (NOTIFICATION_KINDS as readonly string[]).includes(kind)),
    )
  }

  /** `undefined`: leave as is; `null`: remove; a string: its sealed form. */
  private async sealed(value: string | null | undefined, context: string): Promise<string | null | undefined> {
    if (value === undefined || value === null) return value
    return this.secrets.seal(value, context)
  }

  /** `undefined`: leave as is; `null`: remove; a string: store it (sealed already where it is a secret). */
  private write(key: string, value: string | null | undefined): void {
    if (value === undefined) return
    if (value === null) this.store.delete(key)
    else this.store.set(key, value)
  }
}
