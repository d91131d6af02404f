import { create } from 'zustand'
import { isDesktop } from '../../lib/api'

/** The browser's answer about notifications, or why it cannot be asked. */
export type BrowserPermission = NotificationPermission | 'unsupported' | 'desktop-app'

function currentPermission(): BrowserPermission {
  // The desktop app shows its own notifications from the main process; Electron's page is denied permissions.
  if (isDesktop()) return 'desktop-app'
  if (typeof Notification === 'undefined' || !window.isSecureContext) return 'unsupported'
  return Notification.permission
}

interface BrowserNotificationsStore {
  permission: BrowserPermission
  /** Asks the browser. Only from a user gesture (a button): browsers ignore or penalise asking on load. */
  request(): Promise<void>
  refresh(): void
}

export const useBrowserNotifications = create<BrowserNotificationsStore>((set) => ({
  permission: currentPermission(),
  async request() {
    if (currentPermission() !== 'default') return set({ permission: currentPermission() })
    set({ permission: await Notification.requestPermission() })
  },
  refresh: () => set({ permission: currentPermission() }),
}))

/** Shows a system notification through the browser when allowed; clicking it focuses the tab and runs `onClick`. */
export function showBrowserNotification(options: { id: string; title: string; body: string; onClick(): void }): void {
  if (currentPermission() !== 'granted') return
  try {
    const notification = new Notification(options.title, { body: options.body, tag: options.id })
    notification.onclick = () => {
      window.focus()
      options.onClick()
      notification.close()
    }
  } catch {
    // Some browsers (Chrome on Android) allow notifications only from a service worker: the toast is enough.
  }
}
