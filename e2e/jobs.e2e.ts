import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { startServe } from './fixtures/serve-process'
import { signIn } from './fixtures/ui'
import { expect, test } from './fixtures/test'

/**
 * The rows are written into the store directly: one a crash left running, one queued (of a kind no domain
 * registers, so it stays queued), one finished with its log.
 */
function seed(dataDir: string): void {
  const db = new BetterSqlite3(join(dataDir, 'glinrdock.db'))
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()
  const insert = db.prepare(
    `INSERT INTO jobs (id, kind, payload, status, progress, attempts, created_at, started_at, finished_at,
       runner_id, runner_pid, runner_host, heartbeat_at)
     VALUES (?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  insert.run(
    'jobcrashed01',
    'image.pull',
    'running',
    40,
    1,
    ago(9),
    ago(8),
    null,
    'dead-runner',
    999_999,
    'gone',
    ago(8),
  )
  insert.run('jobqueued001', 'gd-test.waiting', 'queued', 0, 0, ago(2), null, null, null, null, null, null)
  insert.run('jobdone00001', 'image.pull', 'succeeded', 100, 1, ago(30), ago(30), ago(29), null, null, null, null)
  const line = db.prepare('INSERT INTO job_log_lines (job_id, seq, at, text) VALUES (?, ?, ?, ?)')
  for (let i = 1; i <= 3; i++) line.run('jobdone00001', i, ago(29), `layer ${i} done`)
  db.close()
}

test('the jobs view lists running and recent jobs, settles one a crash left running, shows a log and cancels', async ({
  page,
  consoleErrors,
}) => {
  const first = await startServe()
  await first.stop()
  seed(first.dataDir)
  const serve = await startServe({ dataDir: first.dataDir })
  try {
    await signIn(page, serve)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click()
    await expect(page).toHaveURL(/#\/jobs$/)
    const rows = page.getByTestId('job-row')
    await expect(rows).toHaveCount(3)

    const crashed = rows.filter({ hasText: 'jobcrashed01'.slice(0, 12) })
    await expect(crashed).toHaveAttribute('data-status', 'failed')
    await expect(crashed).toContainText('interrupted')

    await page.getByRole('button', { name: 'Show the log of image.pull jobdone00001' }).click()
    await expect(page.getByTestId('job-log')).toContainText('layer 3 done')

    const queued = rows.filter({ hasText: 'gd-test.waiting' })
    await expect(queued.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '0')
    await queued.getByRole('button', { name: /^Cancel gd-test.waiting/ }).click()
    await expect(queued).toHaveAttribute('data-status', 'canceled')

    await page.getByRole('button', { name: 'Running and queued' }).click()
    await expect(page).toHaveURL(/show=active/)
    await expect(page.getByText('No jobs match')).toBeVisible()
  } finally {
    await serve.stop()
  }
  expect(consoleErrors).toEqual([])
})
