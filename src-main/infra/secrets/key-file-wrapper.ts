import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs'
import type { KeyWrapper } from './key-wrapper'

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * Headless mode has no OS keychain: the data key is wrapped with a key-encryption key kept in a
 * file only the owner can read. Copying the database alone is then useless without this file.
 */
export class KeyFileWrapper implements KeyWrapper {
  readonly backend = 'keyfile'
  readonly secure = true
  private readonly kek: Buffer

  constructor(path: string) {
    this.kek = loadOrCreateKey(path)
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv)
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body])
  }

  async unwrap(wrapped: Buffer): Promise<{ dataKey: Buffer; rewrap: boolean }> {
    const decipher = createDecipheriv('aes-256-gcm', this.kek, wrapped.subarray(0, IV_BYTES))
    decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    const dataKey = Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
    return { dataKey, rewrap: false }
  }
}

function loadOrCreateKey(path: string): Buffer {
  if (existsSync(path)) {
    // A key file others can read defeats its purpose; tighten it rather than refuse to start.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
    const key = readFileSync(path)
    if (key.length !== KEY_BYTES) throw new Error(`${path} is not a ${KEY_BYTES}-byte key file`)
    return key
  }
  const key = randomBytes(KEY_BYTES)
  // 'wx' fails if another process created it first; the file is never world-readable, even briefly.
  const fd = openSync(path, 'wx', 0o600)
  try {
    writeSync(fd, key)
  } finally {
    closeSync(fd)
  }
  return key
}
