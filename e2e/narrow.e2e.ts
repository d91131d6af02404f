import { addLocalHost, signIn } from './fixtures/ui'
import { testbedEnv } from './fixtures/testbed-env'
import { expect, test } from './fixtures/test'

test('at 480 px the header wraps: Sign out is reachable and each status chip says what it is about', async ({
  page,
  serve,
  consoleErrors,
}) => {
  await page.setViewportSize({ width: 480, height: 800 })
  const hostId = await addLocalHost(serve, testbedEnv())
  await signIn(page, serve)
  await page.goto(`${serve.url}/#/hosts/${hostId}`)
  const signOut = page.getByRole('button', { name: 'Sign out' })
  await expect(signOut).toBeInViewport({ ratio: 1 })
  await expect(page.getByRole('group', { name: 'glinrdock link' })).toContainText('glinrdock')
  await expect(page.getByRole('group', { name: 'Current host' }).getByLabel('Switch host')).toHaveValue(hostId)
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width).toBeLessThanOrEqual(480)
  await signOut.click()
  await expect(page.getByLabel('API token')).toBeVisible()
  expect(consoleErrors).toEqual([])
})
