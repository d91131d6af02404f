import { expect, test } from './fixtures/test'

test('a browser signs in from the URL fragment, creates an API token in Settings and revokes it', async ({
  page,
  serve,
  consoleErrors,
}) => {
  await page.goto(`${serve.url}/#token=${serve.adminToken}`)

  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
  await expect(page.getByText('Connected')).toBeVisible()
  expect(page.url()).toBe(`${serve.url}/`)
  expect(await page.evaluate(() => sessionStorage.getItem('glinrdock.token'))).toBe(serve.adminToken)

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  await expect(page.getByTestId('version')).not.toBeEmpty()
  await expect(page.getByText(serve.dataDir)).toBeVisible()
  await expect(page.getByRole('row', { name: /admin - first start/ })).toBeVisible()

  await page.getByRole('button', { name: 'Create token' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Name').fill('e2e robot')
  await dialog.getByLabel('Role').selectOption('deployer')
  await dialog.getByRole('button', { name: 'Create token' }).click()
  const secret = await dialog.getByTestId('new-token').textContent()
  expect(secret).toMatch(/^gdt_[a-z0-9]{12}_/)
  await dialog.getByRole('button', { name: 'Done' }).click()

  const row = page.getByRole('row', { name: /e2e robot/ })
  await expect(row).toBeVisible()
  await expect(row).toContainText('deployer')
  const works = await fetch(`${serve.url}/v1/system`, { headers: { Authorization: `Bearer ${secret}` } })
  expect(works.status).toBe(200)

  await row.getByRole('button', { name: 'Revoke e2e robot' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke e2e robot' }).click()
  await expect(page.getByRole('row', { name: /e2e robot/ })).toHaveCount(0)
  const revoked = await fetch(`${serve.url}/v1/system`, { headers: { Authorization: `Bearer ${secret}` } })
  expect(revoked.status).toBe(401)
  // replaceState, not pushState: Back must not bring the token into the address bar again.
  await page.goBack()
  expect(page.url()).not.toContain(serve.adminToken)
  expect(consoleErrors).toEqual([])
})

test('the token form shows the contract’s own validation message', async ({ page, serve, consoleErrors }) => {
  await page.goto(`${serve.url}/#token=${serve.adminToken}`)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  await page.getByRole('button', { name: 'Create token' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click()
  await expect(page.getByRole('dialog').getByText('Name is required')).toBeVisible()
  expect(consoleErrors).toEqual([])
})

test('without a token the login screen accepts one, and a bad one is refused', async ({
  page,
  serve,
  consoleErrors,
}) => {
  await page.goto(serve.url)
  const field = page.getByLabel('API token')
  await field.fill('gdt_aaaaaaaaaaaa_' + 'A'.repeat(43))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toContainText(/not valid|refused/)
  await field.fill(serve.adminToken)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText('Connected')).toBeVisible()
  expect(await page.evaluate(() => sessionStorage.getItem('glinrdock.token'))).toBe(serve.adminToken)
  expect(consoleErrors).toEqual([])
})
