import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    benchmark: { include: ['bench/**/*.bench.ts'] },
    environment: 'node',
    globalSetup: ['./e2e/fixtures/ensure-built.ts'],
  },
})
