-- Each host's nginx proxy (`glinrdock-proxy`): its settings (in the host body) and what the last apply left.
-- A host without a row uses the defaults; the row is made by the host body or the first apply.
ALTER TABLE hosts ADD COLUMN proxy_image TEXT;
ALTER TABLE hosts ADD COLUMN proxy_http_port INTEGER;
ALTER TABLE hosts ADD COLUMN proxy_https_port INTEGER;

CREATE TABLE proxy_state (
  host_id TEXT PRIMARY KEY REFERENCES hosts (id) ON DELETE CASCADE,
  container_id TEXT,
  -- sha256 of the configuration nginx confirmed serving (its internal health location answers it).
  config_hash TEXT,
  last_reload_at TEXT,
  last_error TEXT,
  last_error_at TEXT
);

-- A domain + path on a host's proxy to a service's container port. The pair is unique per host; the host is the
-- service's project's, copied here so the unique index can hold it (a project never changes host).
CREATE TABLE routes (
  id TEXT PRIMARY KEY,
  host_id TEXT NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  path TEXT NOT NULL,
  port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  tls INTEGER NOT NULL CHECK (tls IN (0, 1)),
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX routes_host_domain_path ON routes (host_id, domain, path);
CREATE INDEX routes_service ON routes (service_id);

-- Certificates by domain (ASCII). The private key is sealed in the SecretBox (`certs:<domain>:key`); the chain is
-- public and kept in clear. Renewal state lives here so a restart resumes the schedule, backoff included.
CREATE TABLE certificates (
  domain TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('pending', 'issuing', 'valid', 'renewing', 'expiring', 'expired', 'failed')),
  chain_pem TEXT,
  -- The certificate's private key, sealed (context `certs:<domain>:key`).
  sealed_key TEXT,
  serial TEXT,
  issuer TEXT,
  not_before TEXT,
  not_after TEXT,
  renewal_due_at TEXT,
  renewal_source TEXT CHECK (renewal_source IN ('ari', 'lifetime')),
  next_attempt_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_error_at TEXT,
  -- When "expires in seven days and renewal keeps failing" was last notified, so it is said once per day at most.
  expiry_warned_at TEXT,
  job_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
