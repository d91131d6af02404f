import { defineConfig } from 'vitest/config'

/** `npm run bench`: measurements that print tables; never part of `npm test`, never asserted on time. */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    globalSetup: ['./e2e/fixtures/ensure-built.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
})
