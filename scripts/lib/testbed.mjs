// Shared by `npm test`, `npm run bench` and `npm run fuzz`: build, then run something with the test bed
// of real peers up (started here if it was not running, and taken down again afterwards).
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const bin = (pkg, file) => join(root, 'node_modules', pkg, file)

/** Runs a command in the repo with inherited output; returns its exit status. */
export function run(command, args, env = {}) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1
}

const testbed = (action) =>
  spawnSync('bash', [join(root, 'e2e/fixtures/testbed.sh'), action], {
    cwd: root,
    stdio: action === 'status' ? 'ignore' : 'inherit',
  }).status

export const build = () => run(process.execPath, [bin('electron-vite', 'bin/electron-vite.js'), 'build'])

/** Calls `fn` with the test bed up; exits 1 if it cannot be brought up. */
export function withTestbed(fn) {
  const started = testbed('status') !== 0
  if (started && testbed('up') !== 0) {
    console.error('the test bed did not come up; see the output above')
    process.exit(1)
  }
  try {
    return fn()
  } finally {
    if (started) testbed('down')
  }
}
