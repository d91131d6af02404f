import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundledMigrations } from '../sqlite/bundled-migrations'
import { openDatabase } from '../sqlite/open-database'
import { DataKeyStore } from './data-key-store'
import { KeyFileWrapper } from './key-file-wrapper'
import type { KeyWrapper } from './key-wrapper'
import { createSafeStorageWrapper, type SafeStorageLike } from './safe-storage-wrapper'
import { SecretBox } from './secret-box'

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'gd-secrets-'))

function setup(dir = tempDir(), wrapper: KeyWrapper = new KeyFileWrapper(join(dir, 'secret.key')), consent = false) {
  const db = openDatabase(join(dir, 'glinrdock.db'), { migrations: bundledMigrations })
  return { dir, db, box: new SecretBox(wrapper, new DataKeyStore(db), () => consent) }
}

/**
 * FAKE of Electron's safeStorage: the real one needs the Electron binary and an OS keychain, neither
 * of which exists on this machine. It XORs with a fixed pad so wrapped bytes differ from the input.
 */
class FakeSafeStorage implements SafeStorageLike {
  /** Bumping it simulates the OS rotating its key: older blobs still decrypt but ask to be re-encrypted. */
  generation = 1
  constructor(private readonly backend: string) {}
  async isAsyncEncryptionAvailable() {
    return true
  }
  async encryptStringAsync(plainText: string) {
    return Buffer.concat([Buffer.from([this.generation]), Buffer.from(plainText).map((b) => b ^ 0x5a)])
  }
  async decryptStringAsync(encrypted: Buffer) {
    const result = Buffer.from(encrypted.subarray(1).map((b) => b ^ 0x5a)).toString()
    return { result, shouldReEncrypt: encrypted[0] !== this.generation }
  }
  getSelectedStorageBackend() {
    return this.backend
  }
}

describe('SecretBox', () => {
  it('round-trips a secret and never stores it or the data key in clear', async () => {
    const { dir, db, box } = setup()
    const sealed = await box.seal('hunter2-private-key', 'hosts:1:password')
    expect(sealed).toMatch(/^gsb1:1:/)
    expect(sealed).not.toContain('hunter2')
    expect(await box.open(sealed, 'hosts:1:password')).toBe('hunter2-private-key')
    db.pragma('wal_checkpoint(TRUNCATE)')
    expect(readFileSync(join(dir, 'glinrdock.db')).includes('hunter2')).toBe(false)
    db.close()
  })

  it('gives every seal a fresh nonce', async () => {
    const { box } = setup()
    expect(await box.seal('same', 'ctx')).not.toBe(await box.seal('same', 'ctx'))
  })

  it('refuses a value moved to another context or tampered with', async () => {
    const { box } = setup()
    const sealed = await box.seal('secret', 'hosts:1:password')
    await expect(box.open(sealed, 'hosts:2:password')).rejects.toMatchObject({ code: 'secrets_unavailable' })
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA')
    await expect(box.open(tampered, 'hosts:1:password')).rejects.toMatchObject({ code: 'secrets_unavailable' })
  })

  it('opens secrets after a restart with the same key file, and not with another one', async () => {
    const first = setup()
    const sealed = await first.box.seal('persisted', 'ctx')
    first.db.close()
    const again = setup(first.dir)
    expect(await again.box.open(sealed, 'ctx')).toBe('persisted')
    again.db.close()

    writeFileSync(join(first.dir, 'secret.key'), Buffer.alloc(32, 7))
    const wrongKey = setup(first.dir)
    await expect(wrongKey.box.open(sealed, 'ctx')).rejects.toMatchObject({ code: 'secrets_unavailable' })
  })

  it('creates the key file with mode 0600 and tightens a looser one', () => {
    const dir = tempDir()
    new KeyFileWrapper(join(dir, 'secret.key'))
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
    chmodSync(join(dir, 'secret.key'), 0o644)
    new KeyFileWrapper(join(dir, 'secret.key'))
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
  })

  it('requires explicit consent before sealing when the keychain is basic_text', async () => {
    const wrapper = await createSafeStorageWrapper(new FakeSafeStorage('basic_text'), 'linux')
    expect(wrapper.secure).toBe(false)
    const refused = setup(tempDir(), wrapper, false)
    await expect(refused.box.seal('x', 'ctx')).rejects.toMatchObject({ code: 'secrets_consent_required' })
    const consented = setup(tempDir(), wrapper, true)
    expect(await consented.box.open(await consented.box.seal('x', 'ctx'), 'ctx')).toBe('x')
  })

  it('treats a real keychain as secure and re-wraps the data key when safeStorage rotates', async () => {
    const fake = new FakeSafeStorage('gnome_libsecret')
    const wrapper = await createSafeStorageWrapper(fake, 'linux')
    expect(wrapper).toMatchObject({ backend: 'gnome_libsecret', secure: true })
    const { dir, db, box } = setup(tempDir(), wrapper)
    const sealed = await box.seal('v', 'ctx')
    const before = new DataKeyStore(db).current()!.wrapped
    db.close()

    expect(before[0]).toBe(1)
    fake.generation = 2
    const again = setup(dir, wrapper)
    expect(await again.box.open(sealed, 'ctx')).toBe('v')
    const after = new DataKeyStore(again.db).current()!.wrapped
    expect(after[0]).toBe(2)
    expect(after.subarray(1).equals(before.subarray(1))).toBe(true)
  })
})
