import type { KeyWrapper } from './key-wrapper'

/**
 * The part of Electron's `safeStorage` we use (async API). Declared here so this module, and its
 * tests with a fake, never import `electron`; the shell passes the real object in.
 */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>
  encryptStringAsync(plainText: string): Promise<Buffer>
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>
  getSelectedStorageBackend?(): string
}

export async function createSafeStorageWrapper(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): Promise<KeyWrapper> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) {
    throw new Error('The OS keychain is not available (safeStorage reports no encryption)')
  }
  // Only Linux can silently fall back to a hard-coded password (`basic_text`); macOS and Windows
  // always use the Keychain and DPAPI.
  const backend = platform === 'linux' ? (safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : `os-${platform}`
  return {
    backend,
    secure: backend !== 'basic_text',
    async wrap(dataKey) {
      return safeStorage.encryptStringAsync(dataKey.toString('base64'))
    },
    async unwrap(wrapped) {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(wrapped)
      return { dataKey: Buffer.from(result, 'base64'), rewrap: shouldReEncrypt }
    },
  }
}
