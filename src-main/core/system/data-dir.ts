import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * `$GLINRDOCK_DATA_DIR`, else the folder Electron's `app.getPath('userData')` gives an app named
 * glinrdock, so the desktop app and `serve` on the same machine share one store.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.GLINRDOCK_DATA_DIR) return env.GLINRDOCK_DATA_DIR
  const home = homedir()
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'glinrdock')
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'glinrdock')
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'glinrdock')
  }
}
