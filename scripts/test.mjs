#!/usr/bin/env node
// `npm test`: build, bring up the test bed of real peers if it is not running (and take it down again
// afterwards), then unit + integration specs (Vitest) and end-to-end specs (Playwright in Chromium).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bin, build, run, withTestbed } from './lib/testbed.mjs'

const reports = mkdtempSync(join(tmpdir(), 'glinrdock-test-'))
const wantE2e = !process.argv.includes('--no-e2e')
const stage = (label, command, args, env) => {
  process.stdout.write(`\n== ${label}\n`)
  return run(command, args, env)
}

let failures = 0
const counts = { passed: 0, failed: 0, skipped: 0 }

process.stdout.write('\n== build\n')
if (build() !== 0) process.exit(1)

withTestbed(() => {
  const vitestReport = join(reports, 'vitest.json')
  failures += stage('unit and integration (vitest)', process.execPath, [
    bin('vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestReport}`,
  ])
  if (existsSync(vitestReport)) {
    const report = JSON.parse(readFileSync(vitestReport, 'utf8'))
    counts.passed += report.numPassedTests
    counts.failed += report.numFailedTests
    counts.skipped += report.numPendingTests + report.numTodoTests
  }

  if (wantE2e) {
    const playwrightReport = join(reports, 'playwright.json')
    failures += stage(
      'end-to-end (playwright, Debian chromium)',
      process.execPath,
      [bin('@playwright/test', 'cli.js'), 'test', '--reporter=list,json'],
      { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
    )
    if (existsSync(playwrightReport)) {
      const { stats } = JSON.parse(readFileSync(playwrightReport, 'utf8'))
      counts.passed += stats.expected + stats.flaky
      counts.failed += stats.unexpected
      counts.skipped += stats.skipped
    }
  }
})
rmSync(reports, { recursive: true, force: true })

if (failures > 0 && counts.failed === 0) counts.failed = 1 // a runner crashed before reporting
process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`)
process.exit(failures > 0 ? 1 : 0)
