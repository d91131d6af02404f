-- GitHub deliveries already handled, by their `X-GitHub-Delivery` id: a redelivered or replayed one does nothing.
-- Only the id, the event name and when it came are kept (never the body or headers), for 7 days.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_received_at ON webhook_deliveries (received_at);

-- What the branch poller last saw for a service that follows its branch (`git ls-remote`). The URL and ref it was
-- seen for are kept with it: after an edit to either, the next observation is a first one again (it only records).
-- A push that started a build also records its commit here, so the poller does not build it a second time.
CREATE TABLE branch_poll_state (
  service_id TEXT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  ref TEXT NOT NULL,
  last_commit TEXT,
  checked_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);

-- Results for the operator (builds, deploys, rollbacks, health), newest kept: the last 500. Not tied to the
-- service by a foreign key: "the deploy of X failed" stays readable after X is removed.
CREATE TABLE notifications (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  level TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  service_id TEXT,
  project_id TEXT,
  build_id TEXT,
  deployment_id TEXT,
  actions TEXT NOT NULL,
  read INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX notifications_unread ON notifications (read) WHERE read = 0;
