import type { Page } from '@playwright/test'
import { apiClient } from './fixtures/api-client'
import { axeFindings, shot } from './fixtures/page-checks'
import { freePort } from './fixtures/free-port'
import { dockerQuiet, removeProjectLeftovers } from './fixtures/project-leftovers'
import { startGitServer, type GitServer } from './fixtures/git-server'
import { dockerCli, type TestbedEnv } from './fixtures/testbed-env'
import { addLocalHost, createToken, signIn } from './fixtures/ui'
import { expect, test } from './fixtures/test'

/** What the service answers on its published port, read from the test on loopback, once it answers at all. */
async function served(port: number): Promise<string> {
  let last = ''
  await expect
    .poll(
      async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/`)
          last = res.ok ? (await res.text()).trim() : `HTTP ${res.status}`
        } catch (err) {
          last = String(err)
        }
        return last
      },
      { timeout: 30_000 },
    )
    .toMatch(/^v\d$/)
  return last
}

/** Waits for the build on the page to end, and says why when it did not succeed (its error and log tail). */
async function buildSucceeded(page: Page): Promise<void> {
  const status = page.getByTestId('build-status')
  await expect(status).toHaveAttribute('data-state', /^(succeeded|failed|canceled)$/, { timeout: 90_000 })
  const state = await status.getAttribute('data-state')
  if (state !== 'succeeded') {
    await shot(page, 'cicd-failed-build')
    const error = await page.locator('.build-page [role="alert"]').allTextContents()
    const log = await page.getByTestId('build-log').locator('.xterm-rows').textContent()
    expect(state, `${error.join(' ')}\n${log?.slice(-1500)}`).toBe('succeeded')
  }
}

/** Whatever the project left on the shared engine: containers (labelled with its id), its network, its images. */
function removeLeftovers(env: TestbedEnv, name: string, projectId: string | undefined): void {
  removeProjectLeftovers(env, name, projectId)
  const images = dockerQuiet(env, ['images', '--format', '{{.Repository}}:{{.Tag}}', `glinrdock/${name}-web`])
  for (const image of images.split('\n')) if (image) dockerQuiet(env, ['rmi', '-f', image])
}

test.describe.configure({ timeout: 300_000 })
test.use({ actionTimeout: 20_000 })

test('a git service is built from the UI with its log live, deployed, changed, and rolled back in one click', async ({
  page,
  serve,
  env,
  consoleErrors,
}) => {
  await page.emulateMedia({ colorScheme: 'light' })
  const name = `e2e-cicd-${Date.now().toString(36)}`
  const port = await freePort()
  let git: GitServer | undefined
  let projectId: string | undefined
  try {
    git = await startGitServer({ baseImage: env.busyboxImage })
    // Set up over REST: a host, a project, and a git service on tag v1 publishing its port on loopback.
    const hostId = await addLocalHost(serve, env)
    const api = apiClient(serve.url, serve.adminToken)
    const project = await api.post('/v1/projects', { name, hostId })
    expect(project.status, project.text).toBe(201)
    projectId = project.json.id as string
    const created = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'web',
      git: { url: git.url, ref: 'v1' },
      ports: [{ container: 8080, host: port, hostIp: '127.0.0.1' }],
    })
    expect(created.status, created.text).toBe(201)
    const serviceId = created.json.id as string

    // From here on, only the UI, as a new user would.
    await signIn(page, serve)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click()
    await page.getByRole('button', { name: `Open project ${name}` }).click()
    await page.getByRole('button', { name: 'Open service web' }).click()
    await page.getByRole('tab', { name: 'Deployments' }).click()
    await expect(page.getByText('No deployments yet')).toBeVisible()
    await shot(page, 'cicd-01-deployments-empty')
    expect(await axeFindings(page), 'empty deployments').toEqual([])

    // Build & deploy: the build page opens with the log following the engine's build.
    await page.getByRole('button', { name: 'Build & deploy web' }).first().click()
    await expect(page).toHaveURL(/\/builds\/[a-z0-9]+/)
    const log = page.getByTestId('build-log').locator('.xterm-rows')
    await expect(log).toContainText('built at step two', { timeout: 90_000 })
    await buildSucceeded(page)
    await expect(page.getByTestId('build-title')).toContainText('v1')
    await expect(page.getByTestId('build-log-state')).toContainText('line')
    await shot(page, 'cicd-02-build-page')
    expect(await axeFindings(page), 'build page').toEqual([])

    // The deployment after the build reports as a toast, with its actions.
    const deployedToast = page.getByTestId('toast').filter({ hasText: `Deployment of ${name}/web succeeded` })
    await expect(deployedToast).toBeVisible({ timeout: 60_000 })
    await expect(deployedToast.getByRole('button', { name: 'Roll back' })).toBeVisible()
    await shot(page, 'cicd-03-toast')
    expect(await served(port)).toBe('v1')

    // A new version: the ref changes to main (v2) in the service form, then Build & deploy again.
    const breadcrumbs = page.getByRole('navigation', { name: 'Breadcrumb' })
    await breadcrumbs.getByRole('link', { name: 'web', exact: true }).click()
    await expect(page.getByTestId('build-row')).toHaveCount(1)
    await page.getByRole('button', { name: 'Edit' }).click()
    const form = page.getByRole('dialog', { name: 'Edit service web' })
    await expect(form.getByLabel('Build stage (optional)')).toBeVisible()
    await form.getByLabel('Build arguments (optional)').fill('not an argument')
    await form.getByRole('button', { name: 'Save changes' }).click()
    await expect(form.getByLabel('Build arguments (optional)')).toHaveAccessibleDescription(/write KEY=value/)
    await form.getByLabel('Build arguments (optional)').fill('')
    await form.getByLabel('Branch, tag or commit').fill('main')
    await form.getByRole('button', { name: 'Save changes' }).click()
    await expect(form).toBeHidden()
    await page.getByRole('button', { name: 'Build & deploy web' }).first().click()
    await expect(page.getByTestId('build-title')).toContainText('main')
    await buildSucceeded(page)
    await expect(
      page
        .getByTestId('toast')
        .filter({ hasText: `Deployment of ${name}/web succeeded` })
        .filter({ hasText: git.commits.v2.slice(0, 7) }),
    ).toBeVisible({ timeout: 60_000 })
    expect(await served(port)).toBe('v2')

    // The history, newest first, then a one-click rollback to v1 with its confirmation.
    await breadcrumbs.getByRole('link', { name: 'web', exact: true }).click()
    await page.getByRole('tab', { name: 'Deployments' }).click()
    const rows = page.getByTestId('deployment-row')
    await expect(rows).toHaveCount(2)
    await expect(rows.first()).toHaveAttribute('data-current', 'true')
    await expect(rows.first()).toContainText(git.commits.v2.slice(0, 7))
    await expect(rows.nth(1)).toContainText(git.commits.v1.slice(0, 7))
    await expect(rows.first().getByRole('button', { name: /^Roll back/ })).toHaveCount(0)
    await rows
      .first()
      .getByRole('button', { name: /^Show the details/ })
      .click()
    await expect(page.getByTestId('health-evidence')).toContainText('Verdict')
    await shot(page, 'cicd-04-deployments')
    expect(await axeFindings(page), 'deployments').toEqual([])

    await rows
      .nth(1)
      .getByRole('button', { name: /^Roll back to/ })
      .click()
    const confirm = page.getByRole('dialog', { name: 'Roll back web?' })
    const preview = confirm.getByTestId('rollback-preview')
    await expect(preview).toBeVisible()
    const changes = preview.getByRole('table', { name: 'What the rollback changes' })
    await expect(changes.getByRole('row', { name: /Commit/ })).toContainText(git.commits.v2.slice(0, 7))
    await expect(changes.getByRole('row', { name: /Commit/ })).toContainText(git.commits.v1.slice(0, 7))
    await expect(changes.getByRole('row', { name: /Ports/ })).toContainText('unchanged')
    await shot(page, 'cicd-05-rollback-confirm')
    expect(await axeFindings(page, true), 'rollback confirmation').toEqual([])
    await confirm.getByRole('button', { name: 'Roll back', exact: true }).click()
    await expect(confirm).toBeHidden()
    await expect(rows).toHaveCount(3)
    await expect(rows.first()).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 })
    await expect(rows.first()).toHaveAttribute('data-current', 'true')
    await expect(rows.first()).toContainText('rollback')
    expect(await served(port)).toBe('v1')

    // v2's image removed by hand: its rollback says so and offers to rebuild that commit (and deploy it).
    const v2Tag = (await rows.nth(1).locator('td').nth(2).locator('.mono-small').first().textContent())!.trim()
    dockerCli(env, ['rmi', '-f', v2Tag])
    await rows
      .nth(1)
      .getByRole('button', { name: /^Roll back to/ })
      .click()
    await expect(confirm.getByTestId('image-gone')).toBeVisible()
    await expect(confirm.getByRole('button', { name: 'Roll back', exact: true })).toHaveCount(0)
    await shot(page, 'cicd-06-rollback-image-gone')
    await confirm.getByRole('button', { name: 'Rebuild this commit' }).click()
    await expect(page.getByTestId('build-title')).toContainText(git.commits.v2.slice(0, 12))
    await buildSucceeded(page)
    await expect
      .poll(
        async () => {
          try {
            return (await (await fetch(`http://127.0.0.1:${port}/`)).text()).trim()
          } catch {
            return ''
          }
        },
        { timeout: 60_000 },
      )
      .toBe('v2')

    // The bell counts what was not read yet and lists it; its items lead to the build or the deployment.
    const bell = page.getByTestId('notifications-bell')
    await expect(bell).toHaveAccessibleName(/unread/)
    await bell.click()
    const panel = page.getByRole('region', { name: 'Recent notifications' })
    await expect(panel.getByTestId('notification-item').first()).toBeVisible()
    await shot(page, 'cicd-07-bell')
    await panel.getByRole('button', { name: 'Mark all as read' }).click()
    await expect(bell).toHaveAccessibleName('Notifications')
    await page.keyboard.press('Escape')
    await expect(panel).toBeHidden()
    await expect(bell).toBeFocused()

    // Jobs: the build and deploy jobs under readable names.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click()
    await expect(page.getByTestId('job-row').filter({ hasText: 'Build image' }).first()).toBeVisible()
    await expect(page.getByTestId('job-row').filter({ hasText: 'service.release' }).first()).toBeVisible()

    // The host's images: those recent deployments ran are marked as kept for rollback.
    await page.goto(`${serve.url}/#/hosts/${hostId}/images`)
    const kept = page.getByTestId('image-row').filter({ hasText: `glinrdock/${name}-web` })
    await expect(kept.getByTestId('image-protected').first()).toHaveText(`Kept for rollback of ${name}/web`)
    await shot(page, 'cicd-07b-images-protected')

    // Settings: the webhook URL to paste into GitHub, a secret checked by the contract, then set.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
    await expect(page.getByTestId('webhook-url')).toContainText(serve.url)
    await expect(page.getByTestId('githubWebhookSecret-state')).toHaveText('Not set')
    await page.getByRole('textbox', { name: 'Webhook secret' }).fill('short')
    await page.getByRole('button', { name: 'Save the webhook secret' }).click()
    await expect(page.getByRole('textbox', { name: 'Webhook secret' })).toHaveAccessibleDescription(
      /At least 8 characters/,
    )
    await page.getByRole('textbox', { name: 'Webhook secret' }).fill('a-long-enough-secret')
    await page.getByRole('button', { name: 'Save the webhook secret' }).click()
    await expect(page.getByTestId('githubWebhookSecret-state')).toHaveText('Set')
    await expect(page.getByRole('textbox', { name: 'New webhook secret' })).toHaveValue('')
    await page.getByLabel('Private key').fill('not a key')
    await page.getByRole('button', { name: 'Save the git SSH key' }).click()
    await expect(page.getByLabel('Private key')).toHaveAccessibleDescription(/Not a private key/)
    await expect(page.getByTestId('notification-permission')).toBeVisible()
    await expect(page.getByLabel('System notification: Build failed')).toBeChecked()
    await page.getByLabel('System notification: Deployment succeeded').check()
    await page.getByLabel('Show: Build succeeded').uncheck()
    await page.getByRole('button', { name: 'Save preferences' }).click()
    await expect(page.getByTestId('toast').filter({ hasText: 'Notification preferences saved.' })).toBeVisible()
    const settings = await api.get('/v1/settings')
    expect(settings.json.githubWebhookSecretSet).toBe(true)
    expect(settings.json.notifications['deploy.succeeded']).toEqual({ enabled: true, desktop: true })
    expect(settings.json.notifications['build.succeeded']).toEqual({ enabled: false, desktop: false })
    await page.getByRole('heading', { name: 'Builds and deployments' }).scrollIntoViewIfNeeded()
    await shot(page, 'cicd-08-settings')
    await page.getByRole('heading', { name: 'Notifications', exact: true }).scrollIntoViewIfNeeded()
    await shot(page, 'cicd-08b-settings-notifications')
    expect(await axeFindings(page), 'settings').toEqual([])

    // A phone-sized window: the deployments and the build page still fit.
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${serve.url}/#/projects/${projectId}/services/${serviceId}/deployments`)
    await expect(rows.first()).toBeVisible()
    await shot(page, 'cicd-09-narrow-deployments')
    await page.getByRole('tab', { name: 'Builds' }).click()
    await page.getByTestId('build-row').first().getByRole('link').click()
    await expect(page.getByTestId('build-log').locator('.xterm-rows')).toContainText('Successfully built')
    await shot(page, 'cicd-10-narrow-build')
    await page.setViewportSize({ width: 1280, height: 800 })

    // The new views in dark mode too.
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(`${serve.url}/#/projects/${projectId}/services/${serviceId}/deployments`)
    await expect(rows.first()).toBeVisible()
    expect(await axeFindings(page), 'deployments (dark)').toEqual([])
    await page.getByRole('tab', { name: 'Builds' }).click()
    await expect(page.getByTestId('build-row')).toHaveCount(3)
    await shot(page, 'cicd-12-builds-dark')
    expect(await axeFindings(page), 'builds (dark)').toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })

    // A viewer sees all of it, and every action it may not take is disabled with the reason.
    // (Its own tab: the token lives in the tab's sessionStorage.)
    const viewer = await page.context().newPage()
    await signIn(viewer, serve, await createToken(serve, 'viewer'))
    await viewer.goto(`${serve.url}/#/projects/${projectId}/services/${serviceId}/deployments`)
    const viewerRows = viewer.getByTestId('deployment-row')
    await expect(viewerRows).toHaveCount(4)
    const buildButton = viewer.getByRole('button', { name: 'Build & deploy web' })
    await expect(buildButton).toBeDisabled()
    await expect(buildButton).toHaveAttribute('title', 'Needs the deployer role')
    const rollbackButton = viewerRows.nth(1).getByRole('button', { name: /^Roll back to/ })
    await expect(rollbackButton).toBeDisabled()
    await expect(rollbackButton).toHaveAttribute('title', 'Needs the deployer role')
    await viewer.goto(`${serve.url}/#/settings`)
    await expect(viewer.getByRole('button', { name: 'Save preferences' })).toBeDisabled()
    await expect(viewer.getByRole('textbox', { name: /webhook secret/i })).toBeDisabled()
    await shot(viewer, 'cicd-11-viewer-settings')
    await viewer.close()
  } finally {
    removeLeftovers(env, name, projectId)
    await git?.stop()
  }
  expect(consoleErrors).toEqual([])
})

test('an image service gets another image through "Deploy image", checked by the contract first', async ({
  page,
  serve,
  env,
  consoleErrors,
}) => {
  await page.emulateMedia({ colorScheme: 'light' })
  const name = `e2e-deploy-${Date.now().toString(36)}`
  let projectId: string | undefined
  try {
    const hostId = await addLocalHost(serve, env)
    const api = apiClient(serve.url, serve.adminToken)
    projectId = (await api.post('/v1/projects', { name, hostId })).json.id as string
    const created = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'web',
      image: env.busyboxImage,
      command: ['sh', '-c', 'echo ready; sleep 3600'],
    })
    expect(created.status, created.text).toBe(201)

    await signIn(page, serve)
    await page.goto(`${serve.url}/#/projects/${projectId}/services/${created.json.id}/builds`)
    await expect(page.getByText('This service runs an image: there is nothing to build')).toBeVisible()
    await page.getByRole('tab', { name: 'Deployments' }).click()
    await expect(page.getByText('No deployments yet')).toBeVisible()
    await page.getByRole('button', { name: 'Deploy image to web' }).first().click()
    const dialog = page.getByRole('dialog', { name: 'Deploy an image to web' })
    const image = dialog.getByRole('textbox', { name: 'Image' })
    await expect(image).toHaveValue(env.busyboxImage)
    await image.fill('Not An Image!')
    await dialog.getByRole('button', { name: 'Deploy' }).click()
    await expect(image).toHaveAccessibleDescription(/Not an image id or reference/)
    await shot(page, 'cicd-13-deploy-image-error')
    expect(await axeFindings(page, true), 'deploy image dialog').toEqual([])
    await image.fill(env.busyboxImage)
    await dialog.getByRole('button', { name: 'Deploy' }).click()
    await expect(dialog).toBeHidden()
    const row = page.getByTestId('deployment-row')
    await expect(row).toHaveCount(1)
    await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 })
    await expect(row).toHaveAttribute('data-current', 'true')
    await expect(row).toContainText('by hand')
  } finally {
    removeLeftovers(env, name, projectId)
  }
  expect(consoleErrors).toEqual([])
})
