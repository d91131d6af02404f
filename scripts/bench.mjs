#!/usr/bin/env node
// `npm run bench`: build, bring up the test bed if needed (and down again), run the measurements in
// bench/*.bench.ts. They print tables with ratios to a baseline measured in the same run.
import { bin, build, run, withTestbed } from './lib/testbed.mjs'

if (build() !== 0) process.exit(1)
const status = withTestbed(() =>
  run(process.execPath, [bin('vitest', 'vitest.mjs'), 'run', '--config', 'vitest.bench.mts', ...process.argv.slice(2)]),
)
process.exit(status)
