import type {
  NotificationAction,
  NotificationItem,
  NotificationKind,
  NotificationPreferences,
  NotificationsList,
} from '../../../src-preload/contract/cicd'
import type { Logger } from '../../infra/logging/logger'
import type { EventBus } from '../events/event-bus'
import { AppError } from '../shared/app-error'
import { newId } from '../shared/ids'
import type { Notify, NotifyInput } from '../shared/cicd-ports'
import type { DesktopNotifier } from './desktop-notifier'
import type { NotificationStore } from './notification-store'

/** Items in the tray menu. */
export const RECENT_COUNT = 5

const levelOf = (kind: NotificationKind): NotificationItem['level'] =>
  kind.endsWith('.succeeded') || kind.endsWith('.issued') ? 'success' : kind.endsWith('.failed') ? 'error' : 'warning'

/**
 * What an item offers when the caller names no actions: the log for builds, the deployment for deploys and
 * rollbacks, and a rollback after a deploy that went through or a service that turned unhealthy (the previous
 * release may be the fix). Only actions whose target is known.
 */
function defaultActions(input: NotifyInput): NotificationAction[] {
  const actions: NotificationAction[] = []
  if (input.buildId || (input.deploymentId && input.kind === 'deploy.failed')) actions.push('open_log')
  if (input.deploymentId) actions.push('open_deployment')
  if (input.serviceId && (input.kind === 'deploy.succeeded' || input.kind === 'health.unhealthy'))
    actions.push('rollback')
  return actions
}

export interface NotificationServiceDeps {
  store: NotificationStore
  preferences: () => NotificationPreferences
  events: EventBus
  desktop: DesktopNotifier
  logger?: Logger
  now?: () => Date
}

/**
 * Results of builds, deploys, rollbacks and health for the operator. By preference per kind: `enabled` false and
 * the item is neither stored nor shown; `desktop` sends it to the desktop notifier too. Every stored item goes
 * out as `notifications.new` (the renderer's toasts and browser notifications), and the badge and tray follow.
 */
export class NotificationService {
  private readonly now: () => Date

  constructor(private readonly deps: NotificationServiceDeps) {
    this.now = deps.now ?? (() => new Date())
  }

  /** The `Notify` port for the other domains: never throws into the job that reports its result. */
  readonly notify: Notify = (input) => {
    try {
      this.record(input)
    } catch (err) {
      this.deps.logger?.error({ err, kind: input.kind }, 'notification not recorded')
    }
  }

  private record(input: NotifyInput): void {
    const preference = this.deps.preferences()[input.kind] ?? { enabled: true, desktop: false }
    if (!preference.enabled) return
    const item: NotificationItem = {
      id: newId(),
      kind: input.kind,
      level: levelOf(input.kind),
      title: input.title.slice(0, 200),
      body: input.body.slice(0, 2000),
      serviceId: input.serviceId ?? null,
      projectId: input.projectId ?? null,
      buildId: input.buildId ?? null,
      deploymentId: input.deploymentId ?? null,
      actions: input.actions ?? defaultActions(input),
      read: false,
      createdAt: this.now().toISOString(),
    }
    this.deps.store.insert(item)
    this.deps.events.emit('notifications.new', item)
    if (preference.desktop) this.deps.desktop.show(item)
    this.syncDesktop()
  }

  list(limit = 50): NotificationsList {
    return { items: this.deps.store.list(limit), unread: this.deps.store.unread() }
  }

  markRead(input: { ids?: string[]; all?: boolean }): void {
    if (input.all === true) this.deps.store.markAllRead()
    else if (input.ids !== undefined) this.deps.store.markRead(input.ids)
    else throw new AppError('validation', 'Name the notifications to mark (ids) or all of them (all: true)', 'ids')
    this.syncDesktop()
  }

  /** The badge and tray as the store has them now (also once at start-up). */
  syncDesktop(): void {
    this.deps.desktop.setBadge(this.deps.store.unread())
    this.deps.desktop.setRecent(this.deps.store.list(RECENT_COUNT))
  }
}
