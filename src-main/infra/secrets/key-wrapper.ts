/**
 * Protects the SecretBox's data key at rest. Desktop: Electron's safeStorage (OS keychain).
 * Headless: a 0600 key file in the data dir.
 */
export interface KeyWrapper {
  /** A name for the mechanism, e.g. `keyfile`, `gnome_libsecret`, `basic_text`. */
  readonly backend: string
  /** False when the mechanism gives no real protection (Electron's `basic_text` on Linux). */
  readonly secure: boolean
  wrap(dataKey: Buffer): Promise<Buffer>
  /** `rewrap` asks the caller to wrap the key again (the OS key was rotated). */
  unwrap(wrapped: Buffer): Promise<{ dataKey: Buffer; rewrap: boolean }>
}
