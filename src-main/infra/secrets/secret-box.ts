import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { AppError } from '../../core/shared/app-error'
import type { DataKeyStore } from './data-key-store'
import type { KeyWrapper } from './key-wrapper'

const PREFIX = 'gsb1'
const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * Every secret at rest (SSH keys, passwords, registry credentials…) goes through here:
 * AES-256-GCM per value under a data key that is itself stored only wrapped by a KeyWrapper.
 * The caller's `context` (for example `hosts:<id>:password`) is bound as associated data, so a
 * sealed value copied onto another row fails to open instead of leaking into the wrong place.
 */
export class SecretBox {
  private key: Promise<{ id: number; key: Buffer }> | undefined

  constructor(
    private readonly wrapper: KeyWrapper,
    private readonly keys: DataKeyStore,
    private readonly hasConsent: () => boolean,
  ) {}

  get backend(): string {
    return this.wrapper.backend
  }

  get secure(): boolean {
    return this.wrapper.secure
  }

  async seal(plaintext: string, context: string): Promise<string> {
    if (!this.wrapper.secure && !this.hasConsent()) {
      throw new AppError(
        'secrets_consent_required',
        `No OS keychain is available (backend ${this.wrapper.backend}): secrets would only be obfuscated. ` +
          'Confirm in Settings that glinrdock may store secrets anyway.',
      )
    }
    const { id, key } = await this.currentKey()
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(context))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return `${PREFIX}:${id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
  }

  async open(sealed: string, context: string): Promise<string> {
    const [prefix, keyId, payload] = sealed.split(':')
    if (prefix !== PREFIX || !keyId || !payload) throw new AppError('secrets_unavailable', 'Not a sealed secret')
    const { id, key } = await this.currentKey()
    if (Number(keyId) !== id) throw new AppError('secrets_unavailable', `Sealed with unknown data key ${keyId}`)
    const raw = Buffer.from(payload, 'base64url')
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
      decipher.setAAD(Buffer.from(context))
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch {
      throw new AppError('secrets_unavailable', 'A stored secret failed its integrity check')
    }
  }

  private currentKey(): Promise<{ id: number; key: Buffer }> {
    this.key ??= this.loadOrCreateKey().catch((err: unknown) => {
      this.key = undefined
      throw err
    })
    return this.key
  }

  private async loadOrCreateKey(): Promise<{ id: number; key: Buffer }> {
    const stored = this.keys.current()
    if (!stored) {
      const key = randomBytes(32)
      const id = this.keys.insert(this.wrapper.backend, await this.wrapper.wrap(key))
      return { id, key }
    }
    let unwrapped: { dataKey: Buffer; rewrap: boolean }
    try {
      unwrapped = await this.wrapper.unwrap(stored.wrapped)
    } catch {
      throw new AppError(
        'secrets_unavailable',
        `The secrets key (wrapped by ${stored.backend}) cannot be unlocked by ${this.wrapper.backend}`,
      )
    }
    if (unwrapped.rewrap) {
      this.keys.replace(stored.id, this.wrapper.backend, await this.wrapper.wrap(unwrapped.dataKey))
    }
    return { id: stored.id, key: unwrapped.dataKey }
  }
}
