import { beforeEach, describe, expect, it } from 'vitest'
import { NotificationItem, NotificationsList, type NotificationKind } from '../../../src-preload/contract/cicd'
import type { ServiceSummary } from '../../../src-preload/contract/projects'
import { EventBus } from '../events/event-bus'
import { SettingsService } from '../settings/settings-service'
import { SettingsStore } from '../settings/settings-store'
import { testDb, testSecretBox } from '../webhooks/webhooks-test-support'
import { RecordingDesktopNotifier } from './desktop-notifier'
import { HEALTH_COOLDOWN_MS, HealthWatcher } from './health-watcher'
import { NotificationService, RECENT_COUNT } from './notification-service'
import { MAX_NOTIFICATIONS, NotificationStore } from './notification-store'

let events: EventBus
let desktop: RecordingDesktopNotifier
let settings: SettingsService
let service: NotificationService
let emitted: NotificationItem[]

beforeEach(() => {
  const db = testDb('memory')
  events = new EventBus((err) => {
    throw err
  })
  desktop = new RecordingDesktopNotifier()
  settings = new SettingsService(new SettingsStore(db), testSecretBox(db))
  service = new NotificationService({
    store: new NotificationStore(db),
    preferences: () => settings.notificationPreferences(),
    events,
    desktop,
  })
  emitted = []
  events.on('notifications.new', (item) => emitted.push(item))
})

const notify = (kind: NotificationKind, extra: Record<string, string> = {}) =>
  service.notify({ kind, title: `${kind} title`, body: `${kind} body`, serviceId: 's1', projectId: 'p1', ...extra })

describe('NotificationService', () => {
  it('stores, emits and lists results newest first, with the unread count', () => {
    notify('build.succeeded', { buildId: 'b1' })
    notify('deploy.failed', { deploymentId: 'd1' })
    const list = service.list()
    expect(NotificationsList.parse(list)).toEqual(list)
    expect(list.unread).toBe(2)
    expect(list.items.map((i) => i.kind)).toEqual(['deploy.failed', 'build.succeeded'])
    expect(list.items[0]).toMatchObject({ level: 'error', read: false, deploymentId: 'd1', serviceId: 's1' })
    expect(list.items[1]).toMatchObject({ level: 'success', buildId: 'b1', actions: ['open_log'] })
    expect(emitted.map((i) => i.id)).toEqual([list.items[1]!.id, list.items[0]!.id])
    expect(desktop.badges.at(-1)).toBe(2)
  })

  it('offers the actions that fit the result', () => {
    notify('deploy.succeeded', { deploymentId: 'd1' })
    notify('deploy.failed', { deploymentId: 'd2' })
    notify('health.unhealthy')
    notify('rollback.succeeded', { deploymentId: 'd3' })
    const byKind = Object.fromEntries(service.list().items.map((i) => [i.kind, i]))
    expect(byKind['deploy.succeeded']!.actions).toEqual(['open_deployment', 'rollback'])
    expect(byKind['deploy.failed']!.actions).toEqual(['open_log', 'open_deployment'])
    expect(byKind['health.unhealthy']!.actions).toEqual(['rollback'])
    expect(byKind['rollback.succeeded']!.actions).toEqual(['open_deployment'])
    expect(byKind['health.unhealthy']!.level).toBe('warning')
  })

  it('gives certificate news the level of what happened', () => {
    notify('cert.issued')
    notify('cert.failed')
    notify('cert.expiring')
    const levels = Object.fromEntries(service.list().items.map((i) => [i.kind, i.level]))
    expect(levels).toEqual({ 'cert.issued': 'success', 'cert.failed': 'error', 'cert.expiring': 'warning' })
  })

  it('follows the preferences: disabled kinds are neither stored nor shown, desktop only where chosen', async () => {
    await settings.update({
      notifications: {
        'build.succeeded': { enabled: false, desktop: true },
        'deploy.succeeded': { enabled: true, desktop: true },
      },
    })
    notify('build.succeeded')
    notify('deploy.succeeded')
    notify('build.failed')
    notify('rollback.succeeded')
    expect(service.list().items.map((i) => i.kind)).toEqual(['rollback.succeeded', 'build.failed', 'deploy.succeeded'])
    expect(emitted.map((i) => i.kind)).not.toContain('build.succeeded')
    // deploy.succeeded by choice, build.failed by default; rollback.succeeded is off on the desktop by default.
    expect(desktop.shown.map((i) => i.kind)).toEqual(['deploy.succeeded', 'build.failed'])
  })

  it('marks read by id or all, and the badge follows', () => {
    notify('build.failed')
    notify('deploy.failed')
    notify('rollback.failed')
    const [newest, , oldest] = service.list().items
    service.markRead({ ids: [newest!.id, 'nonexistent1'] })
    expect(service.list().unread).toBe(2)
    expect(desktop.badges.at(-1)).toBe(2)
    service.markRead({ all: true })
    expect(service.list().unread).toBe(0)
    expect(service.list().items.find((i) => i.id === oldest!.id)!.read).toBe(true)
    expect(desktop.badges.at(-1)).toBe(0)
    expect(() => service.markRead({})).toThrow(expect.objectContaining({ code: 'validation' }))
  })

  it('never throws into the job that reports a result, even when the store is gone', () => {
    const db = testDb()
    const broken = new NotificationService({
      store: new NotificationStore(db),
      preferences: () => settings.notificationPreferences(),
      events,
      desktop,
    })
    db.close()
    expect(() => broken.notify({ kind: 'build.failed', title: 't', body: 'b' })).not.toThrow()
    expect(emitted).toEqual([])
  })

  it('keeps the last 500, and the tray the latest five', () => {
    for (let i = 0; i < MAX_NOTIFICATIONS + 7; i++) service.notify({ kind: 'build.failed', title: `n${i}`, body: '' })
    const items = service.list(200).items
    expect(items[0]!.title).toBe(`n${MAX_NOTIFICATIONS + 6}`)
    expect(service.list().unread).toBe(MAX_NOTIFICATIONS)
    expect(desktop.recent.map((i) => i.title)).toEqual(
      Array.from({ length: RECENT_COUNT }, (_, k) => `n${MAX_NOTIFICATIONS + 6 - k}`),
    )
  })
})

describe('HealthWatcher', () => {
  let now: number
  let watcher: HealthWatcher

  beforeEach(() => {
    now = 1_000_000
    watcher = new HealthWatcher(events, service.notify, () => now)
  })

  const summary = (id: string, state: string): ServiceSummary =>
    ({
      id,
      projectId: 'p1',
      spec: { name: `svc-${id}` },
      status: { state, containerName: `glinrdock-p-${id}` },
      release: null,
    }) as unknown as ServiceSummary
  const change = (id: string, state: string) =>
    events.emit('projects.changed', { projectId: 'p1', serviceId: id, service: summary(id, state) })
  const healthItems = () => service.list().items.filter((i) => i.kind === 'health.unhealthy')

  it('notifies when a service turns unhealthy, once while it stays so', () => {
    change('a', 'running')
    change('a', 'unhealthy')
    change('a', 'unhealthy')
    expect(healthItems()).toHaveLength(1)
    expect(healthItems()[0]).toMatchObject({ serviceId: 'a', projectId: 'p1', title: 'svc-a is unhealthy' })
    expect(desktop.shown.map((i) => i.kind)).toEqual(['health.unhealthy'])
  })

  it('does not spam for a flapping container, and reports it again after the cooldown', () => {
    for (let i = 0; i < 10; i++) {
      change('a', 'unhealthy')
      change('a', 'running')
      now += 1000
    }
    expect(healthItems()).toHaveLength(1)
    now += HEALTH_COOLDOWN_MS
    change('a', 'unhealthy')
    expect(healthItems()).toHaveLength(2)
  })

  it('judges each service on its own and forgets removed ones', () => {
    change('a', 'unhealthy')
    change('b', 'unhealthy')
    expect(healthItems()).toHaveLength(2)
    events.emit('projects.changed', { projectId: 'p1', serviceId: 'a', service: null })
    change('a', 'unhealthy')
    expect(healthItems()).toHaveLength(3)
    watcher.dispose()
    change('b', 'running')
    change('b', 'unhealthy')
    expect(healthItems()).toHaveLength(3)
  })
})
