import { addLocalHost, signIn } from './fixtures/ui'
import { expect, test } from './fixtures/test'

test('when glinrdock itself is lost, every live state reads unknown and every action is disabled until it is back', async ({
  page,
  serve,
  containers,
  env,
}) => {
  const name = `gd-e2e-lost-${Date.now()}`
  containers.run(name, 'sleep 3600')
  const hostId = await addLocalHost(serve, env)
  await signIn(page, serve)
  await page.goto(`${serve.url}/#/hosts/${hostId}`)
  const row = page.getByTestId('container-row').filter({ hasText: name })
  await expect(row.locator('[data-state="running"]')).toBeVisible()
  await expect(page.getByRole('button', { name: `Stop ${name}` })).toBeEnabled()

  await serve.stop()
  await expect(page.getByTestId('connection-status')).not.toHaveText('Connected', { timeout: 15_000 })
  await expect(row.locator('[data-state="unknown"]')).toHaveText('Unknown')
  await expect(page.getByTestId('header-host-state')).toHaveText('Unknown')
  const stop = page.getByRole('button', { name: `Stop ${name}` })
  await expect(stop).toBeDisabled()
  await expect(stop).toHaveAttribute('title', 'Not connected to glinrdock')
  await expect(page.getByRole('button', { name: 'Remove host' })).toBeDisabled()
})

test('an exited container shows its logs as ended and its stats as not running', async ({
  page,
  serve,
  consoleErrors,
  containers,
  env,
}) => {
  const name = `gd-e2e-exited-${Date.now()}`
  containers.run(name, 'echo last words; exit 0')
  const hostId = await addLocalHost(serve, env)
  await signIn(page, serve)
  await page.goto(`${serve.url}/#/hosts/${hostId}/containers/${name}`)
  await expect(page.getByTestId('log-ended')).toContainText('these are its last lines')
  await expect(page.getByRole('button', { name: 'Pause' })).toHaveCount(0)
  await expect(page.getByTestId('log-view')).toContainText('last words')
  await page.getByRole('tab', { name: 'Stats' }).click()
  // uPlot draws its axis on a canvas: the range itself is unit-tested (chart-range.spec.ts).
  await expect(page.getByRole('region', { name: 'Memory' }).locator('canvas')).toBeVisible()
  await expect(page.getByText('This container is not running (exited)')).toBeVisible()
  expect(consoleErrors).toEqual([])
})
