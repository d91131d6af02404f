import type { Database } from 'better-sqlite3'

export interface PollState {
  serviceId: string
  url: string
  ref: string
  lastCommit: string | null
  checkedAt: string | null
  failures: number
  lastError: string | null
}

interface Row {
  service_id: string
  url: string
  ref: string
  last_commit: string | null
  checked_at: string | null
  failures: number
  last_error: string | null
}

/** The last commit seen per service on the branch it follows (`branch_poll_state`). */
export class PollStateStore {
  constructor(private readonly db: Database) {}

  get(serviceId: string): PollState | undefined {
    const row = this.db.prepare('SELECT * FROM branch_poll_state WHERE service_id = ?').get(serviceId) as
      Row | undefined
    return row
      ? {
          serviceId: row.service_id,
          url: row.url,
          ref: row.ref,
          lastCommit: row.last_commit,
          checkedAt: row.checked_at,
          failures: row.failures,
          lastError: row.last_error,
        }
      : undefined
  }

  /** A successful observation (or a push that started a build of `commit`): failures are reset. */
  recordCommit(serviceId: string, url: string, ref: string, commit: string | null, at: Date): void {
    // The service may have been removed meanwhile: its foreign key would refuse the row.
    if (!this.db.prepare('SELECT 1 FROM services WHERE id = ?').get(serviceId)) return
    this.db
      .prepare(
        `INSERT INTO branch_poll_state (service_id, url, ref, last_commit, checked_at, failures, last_error)
         VALUES (?, ?, ?, ?, ?, 0, NULL)
         ON CONFLICT(service_id) DO UPDATE SET url = excluded.url, ref = excluded.ref,
           last_commit = excluded.last_commit, checked_at = excluded.checked_at, failures = 0, last_error = NULL`,
      )
      .run(serviceId, url, ref, commit, at.toISOString())
  }

  /** A failed observation: the last commit stays, the failure is counted (the poller backs off by it). */
  recordFailure(serviceId: string, message: string, at: Date): void {
    this.db
      .prepare(
        `UPDATE branch_poll_state SET failures = failures + 1, last_error = ?, checked_at = ? WHERE service_id = ?`,
      )
      .run(message.slice(0, 500), at.toISOString(), serviceId)
  }

  /**
   * Whether a build of this exact commit exists for the service (read from the builds domain's table): a commit
   * someone already built by hand, by a push or by an earlier poll is not built again. `usable`: only one that is
   * queued, running or succeeded counts (a failed one may be tried again).
   */
  hasBuildOf(serviceId: string, commit: string, which: 'any' | 'usable' = 'any'): boolean {
    const status = which === 'usable' ? " AND status IN ('queued', 'running', 'succeeded')" : ''
    return !!this.db
      .prepare(`SELECT 1 FROM builds WHERE service_id = ? AND commit_sha = ?${status} LIMIT 1`)
      .get(serviceId, commit)
  }
}
