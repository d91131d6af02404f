#!/usr/bin/env node
// `npm run bench`: build, bring up the test bed if needed (and down again), run the measurements in
// bench/*.bench.ts. They print tables with ratios to a baseline measured in the same run.
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status ?? 1
const testbed = (action) =>
  spawnSync('bash', [join(root, 'e2e/fixtures/testbed.sh'), action], {
    cwd: root,
    stdio: action === 'status' ? 'ignore' : 'inherit',
  }).status

if (run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']) !== 0)
  process.exit(1)
const startedTestbed = testbed('status') !== 0
if (startedTestbed && testbed('up') !== 0) process.exit(1)
let status
try {
  status = run(process.execPath, [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--config',
    'vitest.bench.mts',
    ...process.argv.slice(2),
  ])
} finally {
  if (startedTestbed) testbed('down')
}
process.exit(status)
