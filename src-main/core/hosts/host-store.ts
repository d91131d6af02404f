import type { Database } from 'better-sqlite3'

export type SshAuthKind = 'privateKeyPath' | 'privateKey' | 'password' | 'agent'

export interface HostRecord {
  id: string
  name: string
  kind: 'local' | 'ssh'
  socketPath: string
  labels: Record<string, string>
  ssh: {
    host: string
    port: number
    username: string
    auth: SshAuthKind
    privateKeyPath: string | null
    /** Sealed private key or password; never leaves the main process. */
    sealedSecret: string | null
    sealedPassphrase: string | null
    hostKeyType: string
    hostKeyFingerprint: string
  } | null
  /** The host body's proxy settings; `null` where none was given (the default applies, read at use). */
  proxy: StoredProxySettings
  createdAt: string
}

export interface StoredProxySettings {
  image: string | null
  httpPort: number | null
  httpsPort: number | null
}

interface HostRow {
  id: string
  name: string
  kind: 'local' | 'ssh'
  socket_path: string
  labels: string
  ssh_host: string | null
  ssh_port: number | null
  ssh_username: string | null
  ssh_auth: SshAuthKind | null
  ssh_private_key_path: string | null
  ssh_secret: string | null
  ssh_passphrase: string | null
  host_key_type: string | null
  host_key_fingerprint: string | null
  proxy_image: string | null
  proxy_http_port: number | null
  proxy_https_port: number | null
  created_at: string
}

const toRecord = (row: HostRow): HostRecord => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  socketPath: row.socket_path,
  labels: JSON.parse(row.labels) as Record<string, string>,
  ssh:
    row.kind === 'ssh'
      ? {
          host: row.ssh_host!,
          port: row.ssh_port!,
          username: row.ssh_username!,
          auth: row.ssh_auth!,
          privateKeyPath: row.ssh_private_key_path,
          sealedSecret: row.ssh_secret,
          sealedPassphrase: row.ssh_passphrase,
          hostKeyType: row.host_key_type!,
          hostKeyFingerprint: row.host_key_fingerprint!,
        }
      : null,
  proxy: { image: row.proxy_image, httpPort: row.proxy_http_port, httpsPort: row.proxy_https_port },
  createdAt: row.created_at,
})

export class HostStore {
  constructor(private readonly db: Database) {}

  list(): HostRecord[] {
    return (this.db.prepare('SELECT * FROM hosts ORDER BY name COLLATE NOCASE').all() as HostRow[]).map(toRecord)
  }

  get(id: string): HostRecord | undefined {
    const row = this.db.prepare('SELECT * FROM hosts WHERE id = ?').get(id) as HostRow | undefined
    return row && toRecord(row)
  }

  /** Names are unique regardless of case; `exceptId` is the host being renamed. */
  nameTaken(name: string, exceptId = ''): boolean {
    return (
      this.db.prepare('SELECT 1 FROM hosts WHERE name = ? COLLATE NOCASE AND id <> ?').get(name, exceptId) !== undefined
    )
  }

  insert(host: HostRecord): void {
    this.db
      .prepare(
        `INSERT INTO hosts (id, name, kind, socket_path, labels, ssh_host, ssh_port, ssh_username, ssh_auth,
           ssh_private_key_path, ssh_secret, ssh_passphrase, host_key_type, host_key_fingerprint, proxy_image,
           proxy_http_port, proxy_https_port, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(host.id, host.name, host.kind, host.socketPath, ...mutableColumns(host), host.createdAt)
  }

  /** Writes every setting of an existing host at once (its id, kind and creation time never change). */
  update(host: HostRecord): void {
    this.db
      .prepare(
        `UPDATE hosts SET name = ?, socket_path = ?, labels = ?, ssh_host = ?, ssh_port = ?, ssh_username = ?,
           ssh_auth = ?, ssh_private_key_path = ?, ssh_secret = ?, ssh_passphrase = ?, host_key_type = ?,
           host_key_fingerprint = ?, proxy_image = ?, proxy_http_port = ?, proxy_https_port = ?
         WHERE id = ?`,
      )
      .run(host.name, host.socketPath, ...mutableColumns(host), host.id)
  }

  replaceHostKey(id: string, keyType: string, fingerprint: string): void {
    this.db
      .prepare('UPDATE hosts SET host_key_type = ?, host_key_fingerprint = ? WHERE id = ?')
      .run(keyType, fingerprint, id)
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM hosts WHERE id = ?').run(id).changes > 0
  }
}

function mutableColumns(host: HostRecord): (string | number | null)[] {
  const ssh = host.ssh
  return [
    JSON.stringify(host.labels),
    ssh?.host ?? null,
    ssh?.port ?? null,
    ssh?.username ?? null,
    ssh?.auth ?? null,
    ssh?.privateKeyPath ?? null,
    ssh?.sealedSecret ?? null,
    ssh?.sealedPassphrase ?? null,
    ssh?.hostKeyType ?? null,
    ssh?.hostKeyFingerprint ?? null,
    host.proxy.image,
    host.proxy.httpPort,
    host.proxy.httpsPort,
  ]
}
