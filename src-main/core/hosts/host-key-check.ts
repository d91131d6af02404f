import { existsSync, readFileSync } from 'node:fs'
import { lookupKnownHosts, type ProbedHostKey } from '../../infra/ssh'
import { AppError } from '../shared/app-error'

export type KnownHostsVerdict = 'match' | 'mismatch' | 'unknown' | 'revoked'

/** What `~/.ssh/known_hosts` says about the key a server presents. */
export function knownHostsVerdict(path: string, host: string, port: number, fingerprint: string): KnownHostsVerdict {
  if (!existsSync(path)) return 'unknown'
  const { keys, revoked } = lookupKnownHosts(readFileSync(path, 'utf8'), host, port)
  if (revoked.some((key) => key.fingerprint === fingerprint)) return 'revoked'
  if (keys.some((key) => key.fingerprint === fingerprint)) return 'match'
  return keys.length > 0 ? 'mismatch' : 'unknown'
}

/**
 * Why the key a server presents may not be pinned, or null when it may: the user confirmed exactly this key, or
 * (when the user confirmed none) known_hosts lists it. A key known_hosts marks @revoked is refused either way.
 * Create, update and the connection test all decide with this one function.
 */
export function hostKeyRefusal(
  host: string,
  probed: ProbedHostKey,
  confirmed: string | undefined,
  verdict: KnownHostsVerdict,
  field = 'ssh.hostKeyFingerprint',
): AppError | null {
  const presented = probed.fingerprint
  if (verdict === 'revoked') {
    return new AppError(
      'host_key_mismatch',
      `${host} presents ${presented}, which known_hosts marks @revoked: it cannot be trusted`,
      field,
    )
  }
  if (confirmed !== undefined) {
    if (confirmed === presented) return null
    return new AppError(
      'host_key_mismatch',
      `The server's key ${presented} is not the one you confirmed (${confirmed})`,
      field,
    )
  }
  if (verdict === 'match') return null
  if (verdict === 'mismatch') {
    return new AppError(
      'host_key_mismatch',
      `The server's key ${presented} is not the one known_hosts lists for ${host}`,
      field,
    )
  }
  return new AppError(
    'validation',
    `Confirm the host key of ${host} (${probed.keyType} ${presented}) by sending it as hostKeyFingerprint`,
    field,
  )
}
