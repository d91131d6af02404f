import type { Database } from 'better-sqlite3'
import type { NotificationAction, NotificationItem, NotificationKind } from '../../../src-preload/contract/cicd'

/** The newest this many are kept; older ones go as new ones come. */
export const MAX_NOTIFICATIONS = 500

interface Row {
  id: string
  kind: NotificationKind
  level: NotificationItem['level']
  title: string
  body: string
  service_id: string | null
  project_id: string | null
  build_id: string | null
  deployment_id: string | null
  actions: string
  read: number
  created_at: string
}

const item = (row: Row): NotificationItem => ({
  id: row.id,
  kind: row.kind,
  level: row.level,
  title: row.title,
  body: row.body,
  serviceId: row.service_id,
  projectId: row.project_id,
  buildId: row.build_id,
  deploymentId: row.deployment_id,
  actions: JSON.parse(row.actions) as NotificationAction[],
  read: row.read === 1,
  createdAt: row.created_at,
})

export class NotificationStore {
  constructor(private readonly db: Database) {}

  insert(n: NotificationItem): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO notifications (id, kind, level, title, body, service_id, project_id, build_id, deployment_id,
             actions, read, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          n.id,
          n.kind,
          n.level,
          n.title,
          n.body,
          n.serviceId,
          n.projectId,
          n.buildId,
          n.deploymentId,
          JSON.stringify(n.actions),
          n.read ? 1 : 0,
          n.createdAt,
        )
      this.db
        .prepare(
          `DELETE FROM notifications WHERE seq <= (SELECT seq FROM notifications ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
        )
        .run(MAX_NOTIFICATIONS)
    })()
  }

  /** Newest first. */
  list(limit: number): NotificationItem[] {
    return (this.db.prepare('SELECT * FROM notifications ORDER BY seq DESC LIMIT ?').all(limit) as Row[]).map(item)
  }

  unread(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM notifications WHERE read = 0').get() as { n: number }).n
  }

  markRead(ids: string[]): void {
    const mark = this.db.prepare('UPDATE notifications SET read = 1 WHERE id = ? AND read = 0')
    this.db.transaction(() => ids.forEach((id) => mark.run(id)))()
  }

  markAllRead(): void {
    this.db.prepare('UPDATE notifications SET read = 1 WHERE read = 0').run()
  }
}
