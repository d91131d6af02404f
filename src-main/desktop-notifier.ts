/**
 * The Electron side of notifications: a system notification per item the preferences send to the desktop, the
 * unread count as the app's badge, and the latest results in the tray menu. The core only knows the
 * `DesktopNotifier` interface; this adapter is thin on purpose (Electron cannot run in the specs).
 */
import { app, Menu, Notification, type BrowserWindow, type MenuItemConstructorOptions, type Tray } from 'electron'
import type { NotificationItem } from '../src-preload/contract/cicd'
import type { DesktopNotifier } from './core/notifications'

export interface ElectronNotifierOptions {
  /** Shows (creating it if needed) and focuses the main window. */
  showWindow: () => BrowserWindow
  /** What follows the recent results in the tray menu (Open, Quit). */
  baseMenu: () => MenuItemConstructorOptions[]
  /** Rolls the service back to its previous successful deployment (the tray's "Roll back"). */
  rollback: (serviceId: string) => void
}

export class ElectronDesktopNotifier implements DesktopNotifier {
  private tray: Tray | null = null
  private recent: NotificationItem[] = []
  /** Kept referenced while shown: a garbage-collected Notification loses its click handler. */
  private readonly live = new Set<Notification>()

  constructor(private readonly options: ElectronNotifierOptions) {}

  /** The tray exists only once the app is ready, after the core: its menu is built from then on. */
  attachTray(tray: Tray): void {
    this.tray = tray
    this.renderTray()
  }

  show(item: NotificationItem): void {
    if (!Notification.isSupported()) return
    const notification = new Notification({ title: item.title, body: item.body, silent: item.level === 'success' })
    this.live.add(notification)
    const forget = (): void => void this.live.delete(notification)
    notification.on('click', () => {
      forget()
      this.open(item)
    })
    notification.on('close', forget)
    notification.show()
  }

  setBadge(unread: number): void {
    // Linux (Unity launchers) and macOS show it; elsewhere it is a no-op.
    app.setBadgeCount(unread)
    this.tray?.setToolTip(unread > 0 ? `glinrdock — ${unread} unread` : 'glinrdock')
  }

  setRecent(items: NotificationItem[]): void {
    this.recent = items
    this.renderTray()
  }

  private renderTray(): void {
    if (!this.tray) return
    const results: MenuItemConstructorOptions[] = this.recent.flatMap((item) => {
      const entry: MenuItemConstructorOptions = {
        label: `${item.level === 'error' ? '✗' : item.level === 'warning' ? '!' : '✓'} ${item.title}`.slice(0, 80),
        click: () => this.open(item),
      }
      if (item.serviceId && item.actions.includes('rollback')) {
        const serviceId = item.serviceId
        return [entry, { label: '    Roll back', click: () => this.options.rollback(serviceId) }]
      }
      return [entry]
    })
    const menu = results.length > 0 ? [...results, { type: 'separator' as const }] : []
    this.tray.setContextMenu(Menu.buildFromTemplate([...menu, ...this.options.baseMenu()]))
  }

  /** Focuses the window on what the item is about: its build log, or the service's deployments. */
  private open(item: NotificationItem): void {
    const win = this.options.showWindow()
    const hash = routeOf(item)
    if (!hash) return
    // The renderer routes on its hash (features/shell/routes.ts); a hash change is a same-document navigation.
    // The route holds only ids the contract checked (`[a-z0-9]`), and JSON.stringify quotes it as a JS string.
    void win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`).catch(() => undefined)
  }
}

function routeOf(item: NotificationItem): string | null {
  if (!item.projectId || !item.serviceId) return null
  const base = `#/projects/${encodeURIComponent(item.projectId)}/services/${encodeURIComponent(item.serviceId)}`
  if (item.buildId && item.kind.startsWith('build.')) return `${base}/builds/${encodeURIComponent(item.buildId)}`
  return `${base}/deployments`
}
