import type { NotificationItem } from '../../../src-preload/contract/cicd'

/**
 * What the desktop shell shows of notifications: a system notification per item the preferences send to the
 * desktop, the unread count as the app's badge, and the latest results in the tray menu. The core depends on this
 * interface only; the Electron adapter is `src-main/desktop-notifier.ts`, headless mode uses the no-op.
 */
export interface DesktopNotifier {
  show(item: NotificationItem): void
  setBadge(unread: number): void
  /** The newest items (at most five), newest first. */
  setRecent(items: NotificationItem[]): void
}

export const NO_DESKTOP: DesktopNotifier = {
  show: () => undefined,
  setBadge: () => undefined,
  setRecent: () => undefined,
}

/** A named fake for specs (Electron cannot run here): keeps every call in order. */
export class RecordingDesktopNotifier implements DesktopNotifier {
  readonly shown: NotificationItem[] = []
  readonly badges: number[] = []
  recent: NotificationItem[] = []

  show(item: NotificationItem): void {
    this.shown.push(item)
  }

  setBadge(unread: number): void {
    this.badges.push(unread)
  }

  setRecent(items: NotificationItem[]): void {
    this.recent = items
  }
}
