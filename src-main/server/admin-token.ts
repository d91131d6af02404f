import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { CreatedToken } from '../../src-preload/contract/schemas'
import type { TokenService } from '../core/tokens'

export const ADMIN_TOKEN_FILE = 'admin-token'
/** Within the token name grammar, so the API can show, rename or match it like any other. */
export const FIRST_ADMIN_TOKEN_NAME = 'admin - first start'

/** Write to a temporary file, flush, then rename: the file is either whole or absent, never half-written. */
export function writeFileAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`
  try {
    const fd = openSync(temporary, 'wx', mode)
    try {
      writeSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, path)
  } catch (err) {
    rmSync(temporary, { force: true })
    throw err
  }
}

/**
 * The first start of an empty store: mint an admin token and hand it over in `<dataDir>/admin-token`.
 * The file is written inside the token's transaction, so a failure to write it leaves no token that
 * nobody holds (the next start tries again) instead of locking the operator out.
 */
export function mintFirstAdminToken(tokens: TokenService, dataDir: string): string | null {
  if (!tokens.isEmpty()) return null
  const path = join(dataDir, ADMIN_TOKEN_FILE)
  tokens.create({ name: FIRST_ADMIN_TOKEN_NAME, role: 'admin' }, (created) =>
    writeFileAtomically(path, `${created.token}\n`, 0o600),
  )
  return path
}

/** `serve --reset-admin-token`: recovery when every admin token is lost. The secret goes to the terminal only. */
export function resetAdminToken(tokens: TokenService, now = new Date()): CreatedToken {
  return tokens.create({ name: `admin - reset ${now.toISOString().slice(0, 10)}`, role: 'admin' })
}
