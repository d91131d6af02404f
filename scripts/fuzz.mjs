#!/usr/bin/env node
// `npm run fuzz [-- RUNS [SEED]]`: the fuzz properties of `npm test` for longer and with a fresh seed
// (printed, so a failure can be replayed with `npm run fuzz -- RUNS SEED`). Builds and brings up the
// test bed like `npm test` does.
import { bin, build, run, withTestbed } from './lib/testbed.mjs'

const [runs = '5000', seed = String(Math.floor(Math.random() * 2 ** 31))] = process.argv.slice(2)
if (build() !== 0) process.exit(1)
console.log(`fuzzing with ${runs} runs, seed ${seed}`)
const status = withTestbed(() =>
  run(
    process.execPath,
    [bin('vitest', 'vitest.mjs'), 'run', 'src-main/server/fuzz.int.spec.ts', '--testTimeout', '3600000'],
    { GLINRDOCK_FUZZ_RUNS: runs, GLINRDOCK_FUZZ_SEED: seed },
  ),
)
process.exit(status)
