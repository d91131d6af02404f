import type { SecretBox } from '../../infra/secrets/secret-box'
import { KeyFileError, parsePrivateKey, readKeyFile, type SshAuth } from '../../infra/ssh'
import { AppError } from '../shared/app-error'
import type { HostRecord, SshAuthKind } from './host-store'

/** One SSH credential as a request carries it (create, update or test): exactly one of the four, in clear. */
export interface SshCredentialInput {
  privateKeyPath?: string
  privateKey?: string
  password?: string
  agent?: true
  passphrase?: string
}

type StoredCredential = Pick<
  NonNullable<HostRecord['ssh']>,
  'auth' | 'privateKeyPath' | 'sealedSecret' | 'sealedPassphrase'
>

export const secretContext = (hostId: string, field: 'secret' | 'passphrase'): string => `hosts:${hostId}:${field}`

export function authKindOf(credential: SshCredentialInput): SshAuthKind {
  if (credential.privateKeyPath) return 'privateKeyPath'
  if (credential.privateKey) return 'privateKey'
  if (credential.password) return 'password'
  return 'agent'
}

export const hasCredential = (ssh: SshCredentialInput): boolean =>
  ssh.privateKeyPath !== undefined || ssh.privateKey !== undefined || ssh.password !== undefined || ssh.agent === true

/**
 * A key path or pasted key must hold a private key that opens with the given passphrase; answers the key's text.
 * Every request that accepts a key (create, update, test) goes through here, so a key that cannot be used is
 * never stored and a file that is not a key is never echoed back.
 */
export async function checkPrivateKey(credential: SshCredentialInput): Promise<string | undefined> {
  const field = credential.privateKeyPath ? 'ssh.privateKeyPath' : 'ssh.privateKey'
  let text = credential.privateKey
  if (credential.privateKeyPath) {
    try {
      text = await readKeyFile(credential.privateKeyPath)
    } catch (err) {
      if (err instanceof KeyFileError) throw new AppError('validation', err.message, field)
      throw err
    }
  }
  if (text === undefined) return undefined
  const parsed = parsePrivateKey(text, credential.passphrase)
  if ('code' in parsed) {
    // The parser's message never quotes the file, so nothing of a file that is not a key is echoed back.
    throw new AppError('validation', parsed.message, credential.passphrase !== undefined ? 'ssh.passphrase' : field)
  }
  return text
}

/** Seals what must not be stored in clear, bound to this host's row. Check the key first ({@link checkPrivateKey}). */
export async function sealCredential(
  secrets: SecretBox,
  hostId: string,
  credential: SshCredentialInput,
): Promise<StoredCredential> {
  const secret = credential.privateKey ?? credential.password
  return {
    auth: authKindOf(credential),
    privateKeyPath: credential.privateKeyPath ?? null,
    sealedSecret: secret ? await secrets.seal(secret, secretContext(hostId, 'secret')) : null,
    sealedPassphrase: credential.passphrase
      ? await secrets.seal(credential.passphrase, secretContext(hostId, 'passphrase'))
      : null,
  }
}

/** A credential from a request, ready for the tunnel (a connection test uses it without storing it). */
export async function requestSshAuth(credential: SshCredentialInput, env: NodeJS.ProcessEnv): Promise<SshAuth> {
  if (credential.password) return { kind: 'password', password: credential.password }
  if (credential.agent) return agentAuth(env)
  const privateKey = (await checkPrivateKey(credential))!
  return { kind: 'key', privateKey, passphrase: credential.passphrase }
}

export function agentAuth(env: NodeJS.ProcessEnv): SshAuth {
  if (!env.SSH_AUTH_SOCK) throw new AppError('ssh_auth_failed', 'No ssh-agent: SSH_AUTH_SOCK is not set')
  return { kind: 'agent', agentSocket: env.SSH_AUTH_SOCK }
}
