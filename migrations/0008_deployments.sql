-- A service's release: the image a successful deployment (or rollback) pinned, by id. The container is planned with
-- it instead of `spec.image` (a git service has none), and the spec hash is computed from that plan, so a
-- deployment leaves no false drift. Editing `spec.image` clears it: the user chose another image.
ALTER TABLE services ADD COLUMN release_deployment_id TEXT;
ALTER TABLE services ADD COLUMN release_image_id TEXT;
ALTER TABLE services ADD COLUMN release_image_tag TEXT;
ALTER TABLE services ADD COLUMN release_commit TEXT;

-- One deployment of one exact image (by id) with one exact spec snapshot. The snapshot is the stored spec (env
-- keys without values); the env values are sealed by the SecretBox with the context `deployments:<id>:env`, so a
-- rollback can restore them and no value is on disk in clear. `health` keeps the evidence a gate judged by (probe
-- outputs, the new container's last log lines), which survives the failed container itself.
CREATE TABLE deployments (
  id TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  host_id TEXT NOT NULL,
  job_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'build', 'rollback', 'webhook', 'poll')),
  strategy TEXT CHECK (strategy IN ('start-first', 'stop-first')),
  image_tag TEXT NOT NULL,
  image_id TEXT,
  build_id TEXT,
  git_commit TEXT,
  rollback_of TEXT,
  container_id TEXT,
  spec TEXT CHECK (spec IS NULL OR json_valid(spec)),
  sealed_env TEXT,
  health TEXT CHECK (health IS NULL OR json_valid(health)),
  error_code TEXT,
  error_message TEXT,
  duration_ms INTEGER,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
-- Newest first per service (the list, the rollback target, the protected images).
CREATE INDEX deployments_service ON deployments (service_id, created_at);
CREATE INDEX deployments_host_status ON deployments (host_id, status);
