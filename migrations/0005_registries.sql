-- Logins for private image registries, one per server. The server is normalized (lowercase host[:port], and
-- `docker.io` for every spelling of Docker Hub) so one row serves every reference to it. The password is stored
-- only sealed by the SecretBox with the context `registries:<id>:password`: never in clear, never returned.
CREATE TABLE registries (
  id TEXT PRIMARY KEY,
  server TEXT NOT NULL UNIQUE,
  username TEXT NOT NULL,
  sealed_password TEXT NOT NULL,
  created_at TEXT NOT NULL
);
