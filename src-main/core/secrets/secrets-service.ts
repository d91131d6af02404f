import type { SecretsStatus } from '../../../src-preload/contract/schemas'
import type { EventBus } from '../events/event-bus'
import type { SettingsStore } from '../settings/settings-store'

const CONSENT_KEY = 'secrets.insecureBackendConsent'

/** What the UI shows about secret storage, and the user's explicit consent when there is no keychain. */
export class SecretsService {
  constructor(
    private readonly backend: { backend: string; secure: boolean },
    private readonly settings: SettingsStore,
    private readonly events: EventBus,
  ) {}

  hasConsent = (): boolean => this.settings.get<{ backend: string }>(CONSENT_KEY)?.backend === this.backend.backend

  status(): SecretsStatus {
    return {
      backend: this.backend.backend,
      secure: this.backend.secure,
      consentRequired: !this.backend.secure,
      consented: this.backend.secure || this.hasConsent(),
    }
  }

  consent(): SecretsStatus {
    if (!this.backend.secure) this.settings.set(CONSENT_KEY, { backend: this.backend.backend })
    const status = this.status()
    this.events.emit('secrets.changed', status)
    return status
  }
}
