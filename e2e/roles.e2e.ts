import { expect, test } from './fixtures/test'

test('a viewer sees the hosts but the actions its role may not take are disabled, saying why', async ({
  page,
  serve,
  consoleErrors,
}) => {
  const res = await fetch(`${serve.url}/v1/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'read only', role: 'viewer' }),
  })
  const { token } = (await res.json()) as { token: string }
  const session = await fetch(`${serve.url}/v1/session`, { headers: { Authorization: `Bearer ${token}` } })
  expect(await session.json()).toMatchObject({ role: 'viewer' })

  await page.goto(`${serve.url}/#token=${token}`)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hosts' }).click()
  const add = page.getByRole('button', { name: 'Add host' })
  await expect(add).toBeDisabled()
  await expect(add).toHaveAttribute('title', 'Needs the admin role')
  expect(consoleErrors).toEqual([])
})
