/**
 * Key names that hold secrets wherever they appear, the same names the logger redacts. A job payload is stored in
 * plain JSON and shown in no UI but read by anyone with the database file: it carries sealed references instead.
 */
const SECRET_KEYS = new Set(['token', 'password', 'passphrase', 'privatekey', 'secret', 'authorization', 'datakey'])
const MAX_DEPTH = 32

/** Throws (a programming error, reported as `internal`) when a payload has a key named like a secret. */
export function assertNoSecretKeys(value: unknown, depth = 0): void {
  if (depth > MAX_DEPTH) throw new Error('A job payload is nested too deeply')
  if (Array.isArray(value)) {
    for (const item of value) assertNoSecretKeys(item, depth + 1)
    return
  }
  if (typeof value !== 'object' || value === null) return
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEYS.has(key.toLowerCase())) {
      throw new Error(`A job payload may not hold a secret (key "${key}"): pass a sealed reference instead`)
    }
    assertNoSecretKeys(item, depth + 1)
  }
}
