import { addLocalHost, createToken, signIn } from './fixtures/ui'
import { expect, test } from './fixtures/test'

test('a viewer sees the hosts but the actions its role may not take are disabled, saying why', async ({
  page,
  serve,
  consoleErrors,
}) => {
  const token = await createToken(serve, 'viewer')
  const session = await fetch(`${serve.url}/v1/session`, { headers: { Authorization: `Bearer ${token}` } })
  expect(await session.json()).toMatchObject({ role: 'viewer' })

  await page.goto(`${serve.url}/#token=${token}`)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hosts' }).click()
  const add = page.getByRole('button', { name: 'Add host' })
  await expect(add).toBeDisabled()
  await expect(add).toHaveAttribute('title', 'Needs the admin role')
  expect(consoleErrors).toEqual([])
})

test('a viewer is offered no enabled action it may not take, and nothing is started or subscribed for it', async ({
  page,
  serve,
  consoleErrors,
  containers,
  env,
}) => {
  const name = `gd-e2e-viewer-${Date.now()}`
  containers.run(name, 'sleep 3600')
  const warnings: string[] = []
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()))
  const sent: string[] = []
  page.on('websocket', (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload))))
  const hostId = await addLocalHost(serve, env)
  await signIn(page, serve, await createToken(serve, 'viewer'))
  await page.goto(`${serve.url}/#/hosts/${hostId}`)
  await page.getByTestId('container-row').filter({ hasText: name }).waitFor()
  for (const label of ['Edit', 'Remove host']) {
    await expect(page.getByRole('button', { name: label, exact: true })).toBeDisabled()
  }
  await page.getByLabel(`Select ${name}`).check()
  for (const label of ['Start', 'Stop', 'Restart', 'Pause', 'Unpause', 'Kill', 'Remove']) {
    const button = page.getByRole('button', { name: `${label} selected`, exact: true })
    await expect(button).toBeDisabled()
    await expect(button).toHaveAttribute('title', 'Needs the deployer role')
  }
  await expect(page.getByRole('button', { name: `Stop ${name}` })).toBeDisabled()

  await page.goto(`${serve.url}/#/hosts/${hostId}/containers/${name}/terminal`)
  await expect(page.getByText('Terminals need the admin role')).toBeVisible()

  await page.goto(`${serve.url}/#/settings`)
  await expect(page.getByText('Managing API tokens needs the admin role')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Create token' })).toHaveCount(0)

  await page.goto(`${serve.url}/#/hosts/${hostId}/images`)
  await expect(page.getByRole('button', { name: 'Prune unused…' })).toBeDisabled()
  expect(sent.filter((text) => text.includes('containers.exec'))).toEqual([])
  expect(sent.filter((text) => text.includes('"tokens.'))).toEqual([])
  expect(warnings).toEqual([])
  expect(consoleErrors).toEqual([])
})
