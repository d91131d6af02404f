#!/usr/bin/env node
// `npm test`: build, bring up the test bed of real peers if it is not running (and take it down again
// afterwards), then unit + integration specs (Vitest) and end-to-end specs (Playwright in Chromium).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (pkg, file) => join(root, 'node_modules', pkg, file)
const reports = mkdtempSync(join(tmpdir(), 'glinrdock-test-'))
const wantE2e = !process.argv.includes('--no-e2e')

function run(label, command, args, env = {}) {
  process.stdout.write(`\n== ${label}\n`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return result.status ?? 1
}

const testbed = (action) =>
  spawnSync('bash', [join(root, 'e2e/fixtures/testbed.sh'), action], {
    cwd: root,
    stdio: action === 'status' ? 'ignore' : 'inherit',
  }).status

let failures = 0
const counts = { passed: 0, failed: 0, skipped: 0 }

if (run('build', process.execPath, [bin('electron-vite', 'bin/electron-vite.js'), 'build']) !== 0) process.exit(1)

const startedTestbed = testbed('status') !== 0
if (startedTestbed && testbed('up') !== 0) {
  console.error('the test bed did not come up; see the output above')
  process.exit(1)
}

try {
  const vitestReport = join(reports, 'vitest.json')
  failures += run('unit and integration (vitest)', process.execPath, [
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
    failures += run(
      'end-to-end (playwright, Debian chromium)',
      process.execPath,
      [bin('@playwright/test', 'cli.js'), 'test', '--reporter=list,json'],
      {
        PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
      },
    )
    if (existsSync(playwrightReport)) {
      const { stats } = JSON.parse(readFileSync(playwrightReport, 'utf8'))
      counts.passed += stats.expected + stats.flaky
      counts.failed += stats.unexpected
      counts.skipped += stats.skipped
    }
  }
} finally {
  if (startedTestbed) testbed('down')
}

if (failures > 0 && counts.failed === 0) counts.failed = 1 // a runner crashed before reporting
process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`)
process.exit(failures > 0 ? 1 : 0)
