import { create } from 'zustand'
import type { SettingsSummary, UpdateSettingsInput } from '../../../../src-preload/contract/cicd'
import { call } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { useNotificationsStore } from '../notifications/notifications-store'

interface SettingsStore {
  settings: SettingsSummary | null
  error: ApiError | null
  load(): Promise<void>
  /** Sends only what changed; secrets go one way (the answer says only whether they are set). */
  update(input: UpdateSettingsInput): Promise<SettingsSummary>
}

/** The CI/CD settings: webhook secret, git ssh key, notification preferences, protected deployments. */
export const useSettingsStore = create<SettingsStore>((set) => ({
  settings: null,
  error: null,
  async load() {
    try {
      const settings = await call('settings.get', {})
      set({ settings, error: null })
      useNotificationsStore.getState().setPreferences(settings.notifications)
    } catch (err) {
      set({ error: err as ApiError })
    }
  },
  async update(input) {
    const settings = await call('settings.update', input)
    set({ settings, error: null })
    useNotificationsStore.getState().setPreferences(settings.notifications)
    return settings
  },
}))
