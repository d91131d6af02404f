import type { Logger } from '../../infra/logging/logger'
import type { SecretBox } from '../../infra/secrets/secret-box'
import { readKeyFile, SshTunnel, type SshAuth } from '../../infra/ssh'
import { AppError } from '../shared/app-error'
import { agentAuth, secretContext } from './host-credentials'
import type { HostRecord } from './host-store'

/**
 * A stored host's credential, unsealed: the only place that opens a host's secrets, called at connect time
 * (and by a connection test). The plaintext lives in the tunnel's memory and nowhere else.
 */
export async function storedSshAuth(host: HostRecord, secrets: SecretBox, env: NodeJS.ProcessEnv): Promise<SshAuth> {
  const ssh = host.ssh
  if (!ssh) throw new AppError('internal', `${host.name} is not an SSH host`)
  const passphrase = ssh.sealedPassphrase
    ? await secrets.open(ssh.sealedPassphrase, secretContext(host.id, 'passphrase'))
    : undefined
  switch (ssh.auth) {
    case 'privateKeyPath': {
      let privateKey: string
      try {
        // Stored before these checks existed, or replaced since: a bad path fails this host, never the process.
        privateKey = await readKeyFile(ssh.privateKeyPath!)
      } catch (err) {
        throw new AppError('ssh_auth_failed', `Cannot use the key file: ${(err as Error).message}`)
      }
      return { kind: 'key', privateKey, passphrase }
    }
    case 'privateKey':
      return {
        kind: 'key',
        privateKey: await secrets.open(ssh.sealedSecret!, secretContext(host.id, 'secret')),
        passphrase,
      }
    case 'password':
      return { kind: 'password', password: await secrets.open(ssh.sealedSecret!, secretContext(host.id, 'secret')) }
    case 'agent':
      return agentAuth(env)
  }
}

/** Builds the SSH tunnel for a stored host. */
export function tunnelOpener(secrets: SecretBox, env: NodeJS.ProcessEnv, log: Logger) {
  return async (host: HostRecord): Promise<SshTunnel> => {
    const auth = await storedSshAuth(host, secrets, env)
    const ssh = host.ssh!
    return new SshTunnel({
      target: { host: ssh.host, port: ssh.port, username: ssh.username, auth },
      pinnedFingerprint: ssh.hostKeyFingerprint,
      pinnedKeyType: ssh.hostKeyType,
      remoteSocketPath: host.socketPath,
      logger: log.child({ scope: 'ssh', host: host.id }),
    })
  }
}
