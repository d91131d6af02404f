-- API tokens for the headless REST/WebSocket transport. Only the SHA-256 of the secret part is stored.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'deployer', 'viewer')),
  secret_hash BLOB NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT
);

-- Data keys of the SecretBox, each wrapped by the platform's key wrapper (safeStorage or a key file).
CREATE TABLE secret_keys (
  id INTEGER PRIMARY KEY,
  backend TEXT NOT NULL,
  wrapped BLOB NOT NULL,
  created_at TEXT NOT NULL
);

-- Small app-wide settings (for example the user's consent to store secrets without an OS keychain).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
