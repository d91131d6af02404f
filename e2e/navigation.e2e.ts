import { addLocalHost, signIn } from './fixtures/ui'
import { expect, test } from './fixtures/test'

test('every view has an address: Back and Forward move inside the app, a reload and a deep link reopen the view', async ({
  page,
  serve,
  consoleErrors,
  containers,
  env,
}) => {
  const name = `gd-e2e-nav-${Date.now()}`
  containers.run(name, 'while true; do echo nav; sleep 1; done')
  const hostId = await addLocalHost(serve, env)
  await signIn(page, serve)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hosts' }).click()
  await expect(page).toHaveURL(/#\/hosts$/)
  await page.getByRole('button', { name: 'Open local' }).click()
  await expect(page).toHaveURL(new RegExp(`#/hosts/${hostId}$`))

  // The filter lives in the address: it survives a visit to a container and Back.
  await page.getByLabel('Filter containers').fill(name)
  await expect(page).toHaveURL(new RegExp(`[?&]q=${name}`))
  await page.getByTestId('container-row').filter({ hasText: name }).click()
  await expect(page.getByTestId('container-name')).toHaveText(name)
  await page.getByRole('tab', { name: 'Stats' }).click()
  await expect(page).toHaveURL(/\/stats$/)
  await page.goBack()
  await expect(page.getByLabel('Filter containers')).toHaveValue(name)
  // Only the filtered container is listed (others may exist on a shared engine, or none at all).
  await expect(page.getByTestId('container-row')).toHaveCount(1)
  await expect(page.getByTestId('containers-count')).toContainText(/^1 (of \d+ )?containers?/)
  await page.goForward()
  await expect(page.getByRole('tab', { name: 'Stats', selected: true })).toBeVisible()

  await page.reload()
  await expect(page.getByTestId('container-name')).toHaveText(name)
  await expect(page.getByRole('tab', { name: 'Stats', selected: true })).toBeVisible()

  // A deep link in a new tab asks for the token first, then opens exactly that view.
  const fresh = await page.context().newPage()
  await fresh.goto(`${serve.url}/#/hosts/${hostId}/containers/${name}/inspect`)
  await fresh.getByLabel('API token').fill(serve.adminToken)
  await fresh.getByRole('button', { name: /sign in/i }).click()
  await expect(fresh.getByRole('tab', { name: 'Inspect', selected: true })).toBeVisible()
  await expect(fresh.getByTestId('inspect-json')).toContainText('State')
  await fresh.close()

  await page.goto(`${serve.url}/#/no/such/view`)
  await expect(page.getByText('Nothing at this address')).toBeVisible()
  expect(consoleErrors).toEqual([])
})

test('the dashboard’s first load is at most 400 kB of JavaScript, and the log view loads xterm only when opened', async ({
  page,
  serve,
}) => {
  const scripts = new Map<string, number>()
  page.on('response', async (response) => {
    if (response.request().resourceType() === 'script') scripts.set(response.url(), (await response.body()).length)
  })
  await signIn(page, serve)
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()
  await page.waitForLoadState('networkidle')
  const total = [...scripts.values()].reduce((sum, size) => sum + size, 0)
  console.log(`dashboard first load: ${(total / 1024).toFixed(1)} kB of JavaScript in ${scripts.size} files`)
  expect(total).toBeLessThanOrEqual(400 * 1024)
  const xterm = [...scripts.keys()].filter((url) => /terminal-theme|LogsTab|StatsTab/.test(url))
  expect(xterm).toEqual([])
})
