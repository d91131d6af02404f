#!/usr/bin/env node
// `npm run fuzz [-- RUNS [SEED]]`: the fuzz properties of `npm test` for longer and with a fresh seed
// (printed, so a failure can be replayed with `npm run fuzz -- RUNS SEED`). Builds and brings up the
// test bed like `npm test` does.
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const [runs = '5000', seed = String(Math.floor(Math.random() * 2 ** 31))] = process.argv.slice(2)
const run = (command, args, env = {}) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1
const testbed = (action) =>
  spawnSync('bash', [join(root, 'e2e/fixtures/testbed.sh'), action], {
    cwd: root,
    stdio: action === 'status' ? 'ignore' : 'inherit',
  }).status

if (run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']) !== 0)
  process.exit(1)
const startedTestbed = testbed('status') !== 0
if (startedTestbed && testbed('up') !== 0) process.exit(1)
console.log(`fuzzing with ${runs} runs, seed ${seed}`)
let status
try {
  status = run(
    process.execPath,
    [
      join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      'src-main/server/fuzz.int.spec.ts',
      '--testTimeout',
      '3600000',
    ],
    { GLINRDOCK_FUZZ_RUNS: runs, GLINRDOCK_FUZZ_SEED: seed },
  )
} finally {
  if (startedTestbed) testbed('down')
}
process.exit(status)
