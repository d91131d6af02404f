import type { Database } from 'better-sqlite3'

/** GitHub redelivers on request and on timeouts; a delivery id seen within this window is a duplicate. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3600 * 1000

/** Deliveries already handled, by their `X-GitHub-Delivery` id (only the id, the event and the time are kept). */
export class DeliveryStore {
  constructor(private readonly db: Database) {}

  /**
   * Records a delivery; false when it was already there. The insert is the judge: two copies arriving at once
   * cannot both claim it. Old rows go in the same call, so the table never grows beyond a week of deliveries.
   */
  claim(id: string, event: string, now: Date): boolean {
    return this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM webhook_deliveries WHERE received_at < ?')
        .run(new Date(now.getTime() - DELIVERY_RETENTION_MS).toISOString())
      return (
        this.db
          .prepare('INSERT OR IGNORE INTO webhook_deliveries (id, event, received_at) VALUES (?, ?, ?)')
          .run(id, event, now.toISOString()).changes === 1
      )
    })()
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries').get() as { n: number }).n
  }
}
