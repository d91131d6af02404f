import { describe, expect, it } from 'vitest'
import {
  LETSENCRYPT_DIRECTORY,
  LETSENCRYPT_STAGING_DIRECTORY,
  NOTIFICATION_KINDS,
  SettingsSummary,
  UpdateSettingsInput,
} from '../../../src-preload/contract/cicd'
import type { KeyWrapper } from '../../infra/secrets/key-wrapper'
import { testDb, testSecretBox } from '../webhooks/webhooks-test-support'
import {
  DEFAULT_PROTECTED_DEPLOYMENTS,
  defaultNotificationPreferences,
  GITHUB_WEBHOOK_PATH,
  SettingsService,
} from './settings-service'
import { SettingsStore } from './settings-store'

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n'

/** Linux without a keychain: Electron's `basic_text`, which only obfuscates. */
const basicText: KeyWrapper = {
  backend: 'basic_text',
  secure: false,
  wrap: async (key) => key,
  unwrap: async (wrapped) => ({ dataKey: wrapped, rewrap: false }),
}

function setup(wrapper?: KeyWrapper, consent = false) {
  const db = testDb()
  const settings = new SettingsService(new SettingsStore(db), testSecretBox(db, wrapper, consent))
  return { db, settings }
}

const update = (settings: SettingsService, input: unknown) => settings.update(UpdateSettingsInput.parse(input))

describe('SettingsService', () => {
  it('starts with no secrets, every notification kind, and 5 protected deployments', () => {
    const { settings } = setup()
    const summary = settings.get()
    expect(SettingsSummary.parse(summary)).toEqual(summary)
    expect(summary).toMatchObject({
      githubWebhookSecretSet: false,
      githubWebhookPath: GITHUB_WEBHOOK_PATH,
      gitSshKeySet: false,
      protectedDeployments: DEFAULT_PROTECTED_DEPLOYMENTS,
    })
    expect(Object.keys(summary.notifications).sort()).toEqual([...NOTIFICATION_KINDS].sort())
  })

  it('defaults: every kind shown; on the desktop only failures and health', () => {
    const prefs = defaultNotificationPreferences()
    expect(prefs['build.failed']).toEqual({ enabled: true, desktop: true })
    expect(prefs['deploy.failed']).toEqual({ enabled: true, desktop: true })
    expect(prefs['rollback.failed']).toEqual({ enabled: true, desktop: true })
    expect(prefs['health.unhealthy']).toEqual({ enabled: true, desktop: true })
    expect(prefs['build.succeeded']).toEqual({ enabled: true, desktop: false })
    expect(prefs['deploy.succeeded']).toEqual({ enabled: true, desktop: false })
    expect(prefs['rollback.succeeded']).toEqual({ enabled: true, desktop: false })
  })

  it('seals the webhook secret and the git key, returns only that they are set, and removes them on null', async () => {
    const { db, settings } = setup()
    const summary = await update(settings, { githubWebhookSecret: 'hunter2-hunter2', gitSshKey: KEY })
    expect(summary).toMatchObject({ githubWebhookSecretSet: true, gitSshKeySet: true })
    expect(JSON.stringify(summary)).not.toContain('hunter2')
    // Nothing in clear in the store.
    const rows = JSON.stringify(db.prepare('SELECT * FROM settings').all())
    expect(rows).not.toContain('hunter2')
    expect(rows).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA')
    expect(await settings.webhookSecret()).toBe('hunter2-hunter2')
    expect(await settings.sshPrivateKey()).toBe(KEY)
    // Leaving a field out keeps it; null removes it.
    await update(settings, { protectedDeployments: 7 })
    expect(await settings.webhookSecret()).toBe('hunter2-hunter2')
    const removed = await update(settings, { githubWebhookSecret: null })
    expect(removed).toMatchObject({ githubWebhookSecretSet: false, gitSshKeySet: true, protectedDeployments: 7 })
    expect(await settings.webhookSecret()).toBeNull()
  })

  it('binds each sealed value to its own setting: swapped rows fail to open', async () => {
    const { db, settings } = setup()
    await update(settings, { githubWebhookSecret: 'hunter2-hunter2', gitSshKey: KEY })
    const value = (key: string) => db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string
    const secret = value('cicd.githubWebhookSecret')
    db.prepare('UPDATE settings SET value = ? WHERE key = ?').run(value('cicd.gitSshKey'), 'cicd.githubWebhookSecret')
    db.prepare('UPDATE settings SET value = ? WHERE key = ?').run(secret, 'cicd.gitSshKey')
    await expect(settings.webhookSecret()).rejects.toMatchObject({ code: 'secrets_unavailable' })
    await expect(settings.sshPrivateKey()).rejects.toMatchObject({ code: 'secrets_unavailable' })
  })

  it('merges notification preferences per kind', async () => {
    const { settings } = setup()
    await update(settings, { notifications: { 'build.succeeded': { enabled: false, desktop: false } } })
    const summary = await update(settings, { notifications: { 'deploy.succeeded': { enabled: true, desktop: true } } })
    expect(summary.notifications['build.succeeded']).toEqual({ enabled: false, desktop: false })
    expect(summary.notifications['deploy.succeeded']).toEqual({ enabled: true, desktop: true })
    expect(summary.notifications['build.failed']).toEqual({ enabled: true, desktop: true })
  })

  it('without a keychain, refuses to seal until the user consents, and then changes nothing of the update', async () => {
    const { settings } = setup(basicText, false)
    await expect(
      update(settings, { githubWebhookSecret: 'hunter2-hunter2', protectedDeployments: 9 }),
    ).rejects.toMatchObject({ code: 'secrets_consent_required' })
    // The other field of the refused update was not written either.
    expect(settings.get()).toMatchObject({ githubWebhookSecretSet: false, protectedDeployments: 5 })
    // Settings without a secret need no consent.
    expect(await update(settings, { protectedDeployments: 9 })).toMatchObject({ protectedDeployments: 9 })
    const consented = setup(basicText, true)
    expect(await update(consented.settings, { githubWebhookSecret: 'hunter2-hunter2' })).toMatchObject({
      githubWebhookSecretSet: true,
    })
  })

  it("orders certificates from Let's Encrypt production without a contact until told otherwise", () => {
    const { settings } = setup()
    expect(settings.acme()).toEqual({ directoryUrl: LETSENCRYPT_DIRECTORY, email: null })
    expect(settings.get()).toMatchObject({ acmeDirectoryUrl: LETSENCRYPT_DIRECTORY, acmeEmail: null })
  })

  it('stores the ACME directory and contact, keeps them when left out, and goes back to the defaults on null', async () => {
    const { settings } = setup()
    const set = await update(settings, {
      acmeDirectoryUrl: LETSENCRYPT_STAGING_DIRECTORY,
      acmeEmail: 'ops@example.com',
    })
    expect(set).toMatchObject({ acmeDirectoryUrl: LETSENCRYPT_STAGING_DIRECTORY, acmeEmail: 'ops@example.com' })
    expect(settings.acme()).toEqual({ directoryUrl: LETSENCRYPT_STAGING_DIRECTORY, email: 'ops@example.com' })
    await update(settings, { protectedDeployments: 3 })
    expect(settings.acme()).toEqual({ directoryUrl: LETSENCRYPT_STAGING_DIRECTORY, email: 'ops@example.com' })
    await update(settings, { acmeEmail: null })
    expect(settings.acme()).toEqual({ directoryUrl: LETSENCRYPT_STAGING_DIRECTORY, email: null })
    await update(settings, { acmeDirectoryUrl: null })
    expect(settings.acme()).toEqual({ directoryUrl: LETSENCRYPT_DIRECTORY, email: null })
  })

  it('writes the ACME settings with the rest of an update or not at all', async () => {
    const { settings } = setup(basicText, false)
    await expect(
      update(settings, { githubWebhookSecret: 'hunter2-hunter2', acmeEmail: 'ops@example.com' }),
    ).rejects.toMatchObject({ code: 'secrets_consent_required' })
    expect(settings.acme().email).toBeNull()
  })

  it('refuses an ACME directory that is not https (or carries credentials) and an email that is not one', () => {
    for (const acmeDirectoryUrl of ['http://acme.example/directory', 'https://u:p@acme.example/dir', 'not a url']) {
      const parsed = UpdateSettingsInput.safeParse({ acmeDirectoryUrl })
      expect(parsed.success).toBe(false)
      expect(parsed.error?.issues[0]?.path).toEqual(['acmeDirectoryUrl'])
    }
    expect(UpdateSettingsInput.safeParse({ acmeEmail: 'not-an-email' }).success).toBe(false)
    expect(UpdateSettingsInput.safeParse({ acmeEmail: `${'a'.repeat(250)}@example.com` }).success).toBe(false)
  })

  it('refuses what the contract refuses (short secret, not a key, out-of-range count)', () => {
    expect(UpdateSettingsInput.safeParse({ githubWebhookSecret: 'short' }).success).toBe(false)
    expect(UpdateSettingsInput.safeParse({ gitSshKey: 'not a key' }).success).toBe(false)
    expect(UpdateSettingsInput.safeParse({ protectedDeployments: 0 }).success).toBe(false)
    expect(UpdateSettingsInput.safeParse({ githubWebhookSecretSet: true }).success).toBe(false)
  })
})
