-- Builds: one row per attempt to turn a service's git source at one commit into an image on its project's engine.
-- The full log is a file under the data dir (`builds/<id>.log`): it can be megabytes, and a row is read often.
-- `host_id` and `project_id` are copied from the service at creation, so the history reads without joins; removing
-- the service (or its project or host) removes its builds. `job_id` has no foreign key: finished jobs are pruned.
CREATE TABLE builds (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL,
  host_id TEXT NOT NULL,
  job_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'webhook', 'poll', 'rebuild')),
  ref TEXT NOT NULL,
  -- Set when the caller named an exact commit (a push's `after`), else once the clone resolved the ref.
  commit_sha TEXT,
  commit_message TEXT,
  image_tag TEXT,
  image_id TEXT,
  duration_ms INTEGER,
  deploy_after INTEGER NOT NULL DEFAULT 0 CHECK (deploy_after IN (0, 1)),
  error_code TEXT,
  error_message TEXT,
  log_path TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  CHECK ((error_code IS NULL) = (error_message IS NULL)),
  CHECK ((status IN ('succeeded', 'failed', 'canceled')) = (finished_at IS NOT NULL))
);
CREATE INDEX builds_by_service ON builds (service_id, seq);
CREATE INDEX builds_unfinished ON builds (status) WHERE status IN ('queued', 'running');
CREATE INDEX builds_by_job ON builds (job_id) WHERE job_id IS NOT NULL;
