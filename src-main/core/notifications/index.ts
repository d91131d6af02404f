export { NO_DESKTOP, RecordingDesktopNotifier, type DesktopNotifier } from './desktop-notifier'
export { HEALTH_COOLDOWN_MS, HealthWatcher } from './health-watcher'
export { NotificationService, RECENT_COUNT } from './notification-service'
export { MAX_NOTIFICATIONS, NotificationStore } from './notification-store'
