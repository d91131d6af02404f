-- Jobs: every long operation (image pulls, deploys, builds, certificates) as one row, which is the truth about it.
-- `seq` orders the queue (FIFO); `id` is what the API shows. Payloads never hold secrets, only sealed references.
CREATE TABLE jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  -- A removed host keeps its job history; the job just no longer names it.
  host_id TEXT REFERENCES hosts(id) ON DELETE SET NULL,
  -- No foreign key yet: services do not exist yet.
  service_id TEXT,
  -- At most one running job per lock key (`service:<id>`); the others queue behind it.
  lock_key TEXT,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  message TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  -- Which runner (process) holds a running job, and when it last said so: a job whose runner died is settled.
  runner_id TEXT,
  runner_pid INTEGER,
  runner_host TEXT,
  heartbeat_at TEXT,
  -- Set by a cancel; the runner holding the job aborts it (it may be another process on the same store).
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  CHECK ((error_code IS NULL) = (error_message IS NULL)),
  CHECK ((status IN ('succeeded', 'failed', 'canceled')) = (finished_at IS NOT NULL))
);

-- The store itself refuses a second running job for one lock key, whatever a runner's code does.
CREATE UNIQUE INDEX jobs_one_running_per_lock ON jobs (lock_key) WHERE status = 'running' AND lock_key IS NOT NULL;
CREATE INDEX jobs_by_status ON jobs (status, seq);
CREATE INDEX jobs_by_lock ON jobs (lock_key, status, seq) WHERE lock_key IS NOT NULL;
CREATE INDEX jobs_by_service ON jobs (service_id, seq) WHERE service_id IS NOT NULL;
CREATE INDEX jobs_by_host ON jobs (host_id, seq) WHERE host_id IS NOT NULL;
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- The last 500 lines of each job's log, pruned as lines arrive; deleted with the job.
CREATE TABLE job_log_lines (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
