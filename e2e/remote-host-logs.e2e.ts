import { expect, test } from './fixtures/test'

test('an SSH host is added through the UI with its fingerprint confirmed, and a container’s live log lines appear in xterm', async ({
  page,
  serve,
  consoleErrors,
  containers,
  env,
}) => {
  const name = `gd-e2e-logs-${Date.now()}`
  containers.run(name, 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done')
  await page.goto(`${serve.url}/#token=${serve.adminToken}`)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hosts' }).click()
  await page.getByRole('button', { name: 'Add host' }).first().click()
  const dialog = page.getByRole('dialog')
  await dialog.getByRole('radio', { name: 'SSH', exact: true }).check()
  await dialog.getByLabel('Name', { exact: true }).fill('test bed')
  await dialog.getByLabel('SSH host').fill(env.sshHost)
  await dialog.getByLabel('SSH port').fill(String(env.sshPort))
  await dialog.getByLabel('SSH user').fill(env.sshUser)
  await dialog.getByRole('radio', { name: 'Key file' }).check()
  await dialog.getByLabel('Private key path').fill(env.clientKey)
  await dialog.getByLabel('Remote Docker socket (optional)').fill(env.remoteSocketPath)

  const add = dialog.getByRole('button', { name: 'Add host' })
  await dialog.getByRole('button', { name: /probe/i }).click()
  await expect(dialog.getByTestId('host-key-fingerprint')).toHaveText(env.hostKeyFingerprint)
  await expect(add).toBeDisabled()
  await dialog.getByLabel(/verified this fingerprint/i).check()
  await add.click()
  await expect(dialog).toBeHidden()

  // Adding a host opens its page; the header shows which host this is and that its link is up.
  await expect(page.getByRole('heading', { name: 'test bed', level: 1 })).toBeVisible()
  await expect(page.getByRole('group', { name: 'Current host' })).toContainText('Connected', { timeout: 20_000 })

  const container = page.getByTestId('container-row').filter({ hasText: name })
  await expect(container).toBeVisible({ timeout: 15_000 })
  await container.click()
  await expect(page.getByTestId('container-name')).toHaveText(name)
  await page.getByRole('tab', { name: 'Logs' }).click()

  const rows = page.getByTestId('log-view').locator('.xterm-rows')
  await expect(rows).toContainText(/tick \d+/, { timeout: 15_000 })
  const first = Number(/tick (\d+)/.exec((await rows.textContent()) ?? '')?.[1])
  // Live: new lines keep arriving while the page is open.
  await expect
    .poll(
      async () => Math.max(...[...((await rows.textContent()) ?? '').matchAll(/tick (\d+)/g)].map((m) => Number(m[1]))),
      {
        timeout: 10_000,
      },
    )
    .toBeGreaterThan(first + 5)
  expect(consoleErrors).toEqual([])
})
