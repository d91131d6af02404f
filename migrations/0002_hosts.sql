-- Docker hosts: the local engine through a unix socket, or a remote engine through one SSH connection.
-- Private keys, passwords and passphrases are stored only sealed by the SecretBox (ssh_secret, ssh_passphrase).
CREATE TABLE hosts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('local', 'ssh')),
  socket_path TEXT NOT NULL,
  ssh_host TEXT,
  ssh_port INTEGER,
  ssh_username TEXT,
  ssh_auth TEXT CHECK (ssh_auth IN ('privateKeyPath', 'privateKey', 'password', 'agent')),
  ssh_private_key_path TEXT,
  ssh_secret TEXT,
  ssh_passphrase TEXT,
  host_key_type TEXT,
  host_key_fingerprint TEXT,
  created_at TEXT NOT NULL,
  CHECK ((kind = 'local') = (ssh_host IS NULL)),
  CHECK (kind = 'local' OR (ssh_port IS NOT NULL AND ssh_username IS NOT NULL AND ssh_auth IS NOT NULL
    AND host_key_type IS NOT NULL AND host_key_fingerprint IS NOT NULL))
);
