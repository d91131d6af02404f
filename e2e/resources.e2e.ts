import { addLocalHost, signIn } from './fixtures/ui'
import { dockerCli, testbedEnv } from './fixtures/testbed-env'
import { expect, test } from './fixtures/test'

test('images, volumes and networks are listed with who uses them, and a prune shows what it would remove first', async ({
  page,
  serve,
  consoleErrors,
  containers,
  env,
}) => {
  const stamp = Date.now()
  const volume = `gd-e2e-vol-${stamp}`
  const network = `gd-e2e-net-${stamp}`
  const user = `gd-e2e-user-${stamp}`
  dockerCli(env, ['volume', 'create', '--label', 'glinrdock.test=1', volume])
  dockerCli(env, ['network', 'create', '--label', 'glinrdock.test=1', network])
  containers.run(user, 'sleep 3600', ['--network', network])
  try {
    const hostId = await addLocalHost(serve, env)
    await signIn(page, serve)
    await page.goto(`${serve.url}/#/hosts/${hostId}/images`)
    const busybox = page.getByTestId('image-row').filter({ hasText: env.busyboxImage })
    await expect(busybox).toContainText(user)
    await expect(busybox).toContainText('MiB')

    await page.getByRole('tab', { name: 'Volumes' }).click()
    await expect(page).toHaveURL(/\/volumes$/)
    const row = page.getByTestId('volume-row').filter({ hasText: volume })
    await expect(row).toContainText('unused')
    await page.getByRole('button', { name: 'Prune unused…' }).click()
    const prune = page.getByRole('dialog', { name: 'Prune unused volumes?' })
    await expect(prune.getByRole('list', { name: 'volumes to remove' })).toContainText(volume)
    await expect(prune.getByTestId('prune-summary')).toContainText('would be removed')
    // The preview is only that: cancel, and the volume is still there.
    await prune.getByRole('button', { name: 'Cancel' }).click()
    await expect(row).toBeVisible()

    await page.getByRole('tab', { name: 'Networks' }).click()
    const net = page.getByTestId('network-row').filter({ hasText: network })
    await expect(net).toContainText(user)
    await expect(page.getByRole('button', { name: 'Remove bridge' })).toBeDisabled()
    await net.getByRole('button', { name: `Remove ${network}` }).click()
    const confirm = page.getByRole('dialog', { name: `Remove network ${network}?` })
    await expect(confirm).toContainText(`used by ${user}`)
    await confirm.getByRole('button', { name: `Remove ${network}` }).click()
    await expect(confirm.getByRole('alert')).toContainText('That cannot be done in the current state.')
    await confirm.getByRole('button', { name: 'Cancel' }).click()

    // Live: a volume made with the CLI shows up without a reload.
    const later = `${volume}-live`
    dockerCli(env, ['volume', 'create', '--label', 'glinrdock.test=1', later])
    await page.getByRole('tab', { name: 'Volumes' }).click()
    await expect(page.getByTestId('volume-row').filter({ hasText: later })).toBeVisible()
    dockerCli(env, ['volume', 'rm', later])
    await expect(page.getByTestId('volume-row').filter({ hasText: later })).toHaveCount(0)
  } finally {
    // The container must go before its network can.
    containers.removeAll()
    dockerCli(env, ['network', 'rm', network])
    dockerCli(env, ['volume', 'rm', volume])
  }
  expect(consoleErrors).toEqual([])
})

test('an image is pulled from a private registry as a job, with its progress shown', async ({
  page,
  serve,
  consoleErrors,
}) => {
  const env = testbedEnv()
  const removeImage = (): void => {
    try {
      dockerCli(env, ['rmi', env.registryImage])
    } catch {
      // not there
    }
  }
  removeImage()
  try {
    const hostId = await addLocalHost(serve, env)
    await fetch(`${serve.url}/v1/registries`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ server: env.registryAddress, username: env.registryUser, password: env.registryPassword }),
    })
    await signIn(page, serve)
    await page.goto(`${serve.url}/#/hosts/${hostId}/images`)
    await page.getByRole('button', { name: 'Pull image…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Pull an image' })
    await dialog.getByLabel('Image', { exact: true }).fill('../etc')
    await dialog.getByRole('button', { name: 'Pull' }).click()
    await expect(dialog.getByText('Not an image id or reference')).toBeVisible()
    await dialog.getByLabel('Image', { exact: true }).fill(env.registryImage)
    await dialog.getByRole('button', { name: 'Pull' }).click()
    await expect(dialog.getByTestId('pull-job')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 })
    await expect(dialog.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100')
    await dialog.getByRole('button', { name: 'Done' }).click()
    await expect(page.getByTestId('image-row').filter({ hasText: env.registryImage })).toBeVisible()
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click()
    await expect(page.getByTestId('job-row').filter({ hasText: 'image.pull' })).toHaveAttribute(
      'data-status',
      'succeeded',
    )
  } finally {
    removeImage()
  }
  expect(consoleErrors).toEqual([])
})
