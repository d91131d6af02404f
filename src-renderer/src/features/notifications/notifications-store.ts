import { create } from 'zustand'
import { navigate } from 'wouter/use-hash-location'
import type { NotificationItem, NotificationKind, NotificationPreferences } from '../../../../src-preload/contract/cicd'
import type { Tone } from '../../components/StatusChip'
import { call, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'
import { onReconnected } from '../connection/connection-store'
import { useNoticesStore } from '../shell/notices-store'
import { showBrowserNotification } from './browser-notifications'
import { ACTION_TEXT, actionTarget, CERTS_ACTION, isCertKind, itemTarget } from './notification-targets'

const LIMIT = 50

const TONE: Record<NotificationItem['level'], Tone> = { success: 'ok', error: 'bad', warning: 'warn' }

interface NotificationsStore {
  items: NotificationItem[]
  unread: number
  status: 'loading' | 'ready' | 'error'
  error: ApiError | null
  /** Per kind: shown at all, and as a browser notification; null until Settings answered. */
  preferences: NotificationPreferences | null
  /** For the whole session (the shell): the recent list, and a toast for each new one. Returns the unsubscribe. */
  watch(): () => void
  load(): Promise<void>
  markRead(ids: string[]): Promise<void>
  markAllRead(): Promise<void>
  setPreferences(preferences: NotificationPreferences): void
}

/** On by default for a kind Settings does not mention (a newer backend), as the backend does. */
const shown = (prefs: NotificationPreferences | null, kind: NotificationKind): { enabled: boolean; desktop: boolean } =>
  prefs?.[kind] ?? { enabled: true, desktop: false }

export const useNotificationsStore = create<NotificationsStore>((set, get) => {
  const open = (target: string | null, id: string): void => {
    if (target) navigate(target)
    void get().markRead([id])
  }

  const announce = (item: NotificationItem): void => {
    const pref = shown(get().preferences, item.kind)
    if (!pref.enabled) return
    useNoticesStore.getState().notify({
      tone: TONE[item.level],
      title: item.title,
      text: item.body,
      actions: isCertKind(item.kind)
        ? [{ label: CERTS_ACTION.label, run: () => open(CERTS_ACTION.target, item.id) }]
        : item.actions.flatMap((action) => {
            const target = actionTarget(item, action)
            return target ? [{ label: ACTION_TEXT[action], run: () => open(target, item.id) }] : []
          }),
    })
    if (pref.desktop) {
      showBrowserNotification({
        id: item.id,
        title: item.title,
        body: item.body,
        onClick: () => open(itemTarget(item), item.id),
      })
    }
  }

  const onNew = (item: NotificationItem): void => {
    if (get().items.some((known) => known.id === item.id)) return
    set({ items: [item, ...get().items].slice(0, LIMIT), unread: get().unread + (item.read ? 0 : 1) })
    announce(item)
  }

  const loadPreferences = (): void => {
    call('settings.get', {})
      .then((settings) => set({ preferences: settings.notifications }))
      .catch(() => undefined)
  }

  const watchShared = sharedSubscriptions((_key: 'session') => {
    const stopEvents = subscribe('notifications.new', onNew)
    const stopReconnect = onReconnected(() => void get().load())
    void get().load()
    loadPreferences()
    return () => {
      stopEvents()
      stopReconnect()
    }
  })

  return {
    items: [],
    unread: 0,
    status: 'loading',
    error: null,
    preferences: null,
    watch: () => watchShared('session'),
    async load() {
      try {
        const { items, unread } = await call('notifications.list', { limit: LIMIT })
        set({ items, unread, status: 'ready', error: null })
      } catch (err) {
        set({ status: 'error', error: err as ApiError })
      }
    },
    async markRead(ids) {
      const unreadIds = ids.filter((id) => get().items.some((item) => item.id === id && !item.read))
      if (unreadIds.length === 0) return
      set({
        items: get().items.map((item) => (unreadIds.includes(item.id) ? { ...item, read: true } : item)),
        unread: Math.max(0, get().unread - unreadIds.length),
      })
      await call('notifications.markRead', { ids: unreadIds }).catch(() => get().load())
    },
    async markAllRead() {
      set({ items: get().items.map((item) => ({ ...item, read: true })), unread: 0 })
      await call('notifications.markRead', { all: true }).catch(() => get().load())
    },
    setPreferences: (preferences) => set({ preferences }),
  }
})
