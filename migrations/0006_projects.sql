-- Projects and services. A project lives on one host and owns the network `glinrdock-<name>`; its name is unique
-- per host (it names containers and the network there). Removing a host forgets its projects (the engine's
-- containers are left alone: the host may be gone, and glinrdock never touches an engine it cannot reach).
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  host_id TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (host_id, name)
);

-- A service's spec is JSON without its env values: those are sealed as one JSON object by the SecretBox with the
-- context `services:<id>:env`, so no value (secret or not) is on disk in clear. `spec_hash` is what a container
-- must carry to match the spec; `applied_hash` and `container_id` are what glinrdock last made run, which is how
-- drift is told from an edit, and how an adopted container (created without our labels) is found.
CREATE TABLE services (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  spec TEXT NOT NULL CHECK (json_valid(spec)),
  sealed_env TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('created', 'adopted')),
  desired_state TEXT NOT NULL CHECK (desired_state IN ('running', 'stopped')),
  container_id TEXT,
  applied_hash TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE INDEX services_project ON services (project_id);
-- Engine events name containers: the status tracker finds an adopted service by its container id.
CREATE INDEX services_container ON services (container_id);
