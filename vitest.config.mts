import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'src-main/**/*.spec.ts',
      'src-preload/**/*.spec.ts',
      'src-renderer/**/*.spec.ts',
      'e2e/fixtures/**/*.spec.ts',
    ],
    environment: 'node',
    globalSetup: ['./e2e/fixtures/ensure-built.ts', './e2e/fixtures/temp-root.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration specs start real processes; two cores leave no room for many at once.
    maxWorkers: 2,
  },
})
