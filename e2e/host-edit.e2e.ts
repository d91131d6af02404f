import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { apiClient } from './fixtures/api-client'
import { startServe } from './fixtures/serve-process'
import { testbedEnv, testbedSshHost } from './fixtures/testbed-env'
import { signIn } from './fixtures/ui'
import { expect, test } from './fixtures/test'

test('a host is edited after testing its connection, which names the failing step in plain words', async ({
  page,
  serve,
  consoleErrors,
}) => {
  const env = testbedEnv()
  const api = apiClient(serve.url, serve.adminToken)
  const host = (await api.post('/v1/hosts', testbedSshHost(env, 'remote'))).json
  await signIn(page, serve)
  await page.goto(`${serve.url}/#/hosts/${host.id}`)
  await page.getByRole('button', { name: 'Edit' }).click()
  const dialog = page.getByRole('dialog', { name: 'Edit remote' })

  await dialog.getByLabel('User').fill('nobody-here')
  await dialog.getByRole('button', { name: 'Test connection' }).click()
  const steps = dialog.getByTestId('connection-test-steps')
  await expect(steps.locator('[data-step="tcp"]')).toHaveAttribute('data-status', 'ok')
  await expect(steps.locator('[data-step="hostKey"]')).toHaveAttribute('data-status', 'ok')
  await expect(steps.locator('[data-step="auth"]')).toHaveAttribute('data-status', 'failed')
  await expect(steps.locator('[data-step="auth"]')).toContainText('refused the credentials for user nobody-here')
  await expect(steps.locator('[data-step="engine"]')).toHaveAttribute('data-status', 'skipped')
  await expect(dialog.getByTestId('connection-test-verdict')).toContainText('Nothing was saved')
  // Testing stored nothing: the host still has its user.
  expect((await api.get(`/v1/hosts/${host.id}`)).json.ssh.username).toBe(env.sshUser)

  await dialog.getByLabel('User').fill(env.sshUser)
  await dialog.getByRole('button', { name: 'Test connection' }).click()
  await expect(dialog.getByTestId('connection-test-verdict')).toContainText('Connected: Docker')
  await dialog.getByLabel('Labels').fill('env=prod\nteam=core')
  await dialog.getByLabel('Name').fill('remote-prod')
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog).toBeHidden()
  // Focus goes back to the button that opened the dialog.
  await expect(page.getByRole('button', { name: 'Edit' })).toBeFocused()
  await expect(page.getByRole('heading', { name: 'remote-prod', level: 1 })).toBeVisible()
  await expect(page.getByLabel('Labels')).toContainText('env=prod')
  const stored = (await api.get(`/v1/hosts/${host.id}`)).json
  expect(stored).toMatchObject({ name: 'remote-prod', labels: { env: 'prod', team: 'core' } })
  expect(consoleErrors).toEqual([])
})

test('a local host whose socket does not exist ends failed with a sentence and a Retry action', async ({
  page,
  serve,
  consoleErrors,
}) => {
  const api = apiClient(serve.url, serve.adminToken)
  const host = (await api.post('/v1/hosts', { name: 'gone', socketPath: '/run/glinrdock-no-such.sock' })).json
  await signIn(page, serve)
  await page.goto(`${serve.url}/#/hosts/${host.id}`)
  const failure = page.getByTestId('host-failure')
  await expect(failure).toContainText('The Docker engine did not answer.', { timeout: 20_000 })
  await expect(failure).toContainText('Check that Docker is running')
  // The raw code and message are one click away, not first.
  await expect(failure.getByText('docker_unreachable')).toBeHidden()
  await failure.getByText('Details').click()
  await expect(failure.getByText('docker_unreachable')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Retry now' })).toBeEnabled()
  await page.getByRole('button', { name: 'Retry now' }).click()
  await expect(page.getByTestId('host-failure')).toBeVisible({ timeout: 20_000 })
  expect(consoleErrors).toEqual([])
})

test('a changed server key reads as a sentence with the action to replace it, and a closed port as unreachable', async ({
  page,
  consoleErrors,
}) => {
  const env = testbedEnv()
  const first = await startServe()
  const host = (await apiClient(first.url, first.adminToken).post('/v1/hosts', testbedSshHost(env, 'remote'))).json
  await first.stop()
  // As if the server had been reinstalled: the pinned key is no longer the one it presents.
  const db = new BetterSqlite3(join(first.dataDir, 'glinrdock.db'))
  db.prepare('UPDATE hosts SET host_key_fingerprint = ? WHERE id = ?').run(`SHA256:${'A'.repeat(43)}`, host.id)
  db.close()
  const serve = await startServe({ dataDir: first.dataDir })
  try {
    await signIn(page, serve)
    const card = page.getByTestId('host-card').filter({ hasText: 'remote' })
    await expect(card.getByTestId('host-failure')).toContainText('The server’s identity changed.', { timeout: 20_000 })
    await expect(card.getByTestId('host-failure')).toContainText('replace the pinned key')
    await page.goto(`${serve.url}/#/hosts/${host.id}`)
    await expect(page.getByRole('button', { name: 'Replace pinned key' })).toBeVisible()

    await page.goto(`${serve.url}/#/hosts`)
    await page.getByRole('button', { name: 'Add host' }).first().click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('radio', { name: 'SSH', exact: true }).check()
    await dialog.getByLabel('SSH host').fill('127.0.0.1')
    await dialog.getByLabel('SSH port').fill('1')
    await dialog.getByRole('button', { name: /probe/i }).click()
    await expect(dialog.getByText('The host could not be reached.')).toBeVisible()
  } finally {
    await serve.stop()
  }
  expect(consoleErrors).toEqual([])
})
