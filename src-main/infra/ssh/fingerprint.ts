import { createHash } from 'node:crypto'
import type { ServerHostKeyAlgorithm } from 'ssh2'
import { AppError } from '../../core/shared/app-error'

/**
 * OpenSSH's SHA256 fingerprint of a public key blob (the SSH wire encoding): base64 without the `=` padding,
 * byte for byte what `ssh-keygen -lf key.pub -E sha256` prints, so a user can compare it with the server.
 */
export function fingerprintOfKeyBlob(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')
}

/** The key type named inside the blob (its first SSH string), e.g. `ssh-ed25519` or `ecdsa-sha2-nistp256`. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) throw new AppError('validation', 'SSH key blob is too short')
  const length = blob.readUInt32BE(0)
  // Real type names are short ASCII; a bound keeps garbage from passing as a type.
  if (length === 0 || length > 64 || 4 + length > blob.length) {
    throw new AppError('validation', 'SSH key blob does not start with a key type')
  }
  const type = blob.subarray(4, 4 + length).toString('latin1')
  if (!/^[\x21-\x7e]+$/.test(type)) throw new AppError('validation', 'SSH key blob has an invalid key type')
  return type
}

/** `SHA256:` followed by 43 unpadded base64 characters; anything else cannot be a pin. */
export const isSha256Fingerprint = (value: string): boolean => /^SHA256:[A-Za-z0-9+/]{43}$/.test(value)

/** A public key line (`type base64 [comment]`, as in a .pub file or known_hosts) to its blob. */
export function blobOfPublicKeyLine(line: string): Buffer {
  const [type, data] = line.trim().split(/\s+/)
  if (!type || !data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    throw new AppError('validation', 'Not an OpenSSH public key line')
  }
  const blob = Buffer.from(data, 'base64')
  if (keyTypeOfBlob(blob) !== type) throw new AppError('validation', 'Public key type does not match its blob')
  return blob
}

/**
 * The host key algorithms to offer so the server can only prove a key of the pinned type. Without this restriction a
 * host with several keys may present another type first, and that valid key would never equal the pin.
 */
export function hostKeyAlgorithmsFor(keyType: string): ServerHostKeyAlgorithm[] {
  switch (keyType) {
    case 'ssh-rsa':
      // One RSA key, three signature algorithms; SHA-1 `ssh-rsa` last for old servers.
      return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
    case 'ssh-ed25519':
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return [keyType]
    default:
      throw new AppError('validation', `Unsupported host key type: ${keyType}`)
  }
}
