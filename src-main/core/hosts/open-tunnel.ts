import type { Logger } from '../../infra/logging/logger'
import type { SecretBox } from '../../infra/secrets/secret-box'
import { readKeyFile, SshTunnel } from '../../infra/ssh'
import { AppError } from '../shared/app-error'
import { secretContext } from './host-service'
import type { HostRecord } from './host-store'

/**
 * Builds the SSH tunnel for a host, unsealing its secret only here, at connect time. The plaintext
 * lives in the tunnel's memory and nowhere else.
 */
export function tunnelOpener(secrets: SecretBox, env: NodeJS.ProcessEnv, log: Logger) {
  return async (host: HostRecord): Promise<SshTunnel> => {
    const ssh = host.ssh
    if (!ssh) throw new AppError('internal', `${host.name} is not an SSH host`)
    const passphrase = ssh.sealedPassphrase
      ? await secrets.open(ssh.sealedPassphrase, secretContext(host.id, 'passphrase'))
      : undefined
    let auth: ConstructorParameters<typeof SshTunnel>[0]['target']['auth']
    switch (ssh.auth) {
      case 'privateKeyPath': {
        let privateKey: string
        try {
          // Stored before these checks existed, or replaced since: a bad path fails this host, never the process.
          privateKey = await readKeyFile(ssh.privateKeyPath!)
        } catch (err) {
          throw new AppError('ssh_auth_failed', `Cannot use the key file: ${(err as Error).message}`)
        }
        auth = { kind: 'key', privateKey, passphrase }
        break
      }
      case 'privateKey':
        auth = {
          kind: 'key',
          privateKey: await secrets.open(ssh.sealedSecret!, secretContext(host.id, 'secret')),
          passphrase,
        }
        break
      case 'password':
        auth = { kind: 'password', password: await secrets.open(ssh.sealedSecret!, secretContext(host.id, 'secret')) }
        break
      case 'agent':
        if (!env.SSH_AUTH_SOCK) throw new AppError('ssh_auth_failed', 'No ssh-agent: SSH_AUTH_SOCK is not set')
        auth = { kind: 'agent', agentSocket: env.SSH_AUTH_SOCK }
        break
    }
    return new SshTunnel({
      target: { host: ssh.host, port: ssh.port, username: ssh.username, auth },
      pinnedFingerprint: ssh.hostKeyFingerprint,
      pinnedKeyType: ssh.hostKeyType,
      remoteSocketPath: host.socketPath,
      logger: log.child({ scope: 'ssh', host: host.id }),
    })
  }
}
