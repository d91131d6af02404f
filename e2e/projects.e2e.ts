import type { Page } from '@playwright/test'
import { apiClient } from './fixtures/api-client'
import { axeFindings, shot } from './fixtures/page-checks'
import { freePort } from './fixtures/free-port'
import { dockerCli, type TestbedEnv } from './fixtures/testbed-env'
import { addLocalHost, signIn } from './fixtures/ui'
import { expect, test } from './fixtures/test'

const projectContainers = (env: TestbedEnv, projectId: string): string[] =>
  dockerCli(env, ['ps', '-aq', '--filter', `label=io.glinrdock.project=${projectId}`])
    .split('\n')
    .filter(Boolean)

/** Whatever a project left on the shared engine: its containers (labelled with its id) and its network. */
function removeProjectLeftovers(env: TestbedEnv, name: string, projectId: string | undefined): void {
  if (projectId) for (const id of projectContainers(env, projectId)) dockerCli(env, ['rm', '-f', '-v', id])
  try {
    dockerCli(env, ['network', 'rm', `glinrdock-${name}`])
  } catch {
    // never created, or already gone
  }
}

/** Creates a project through the UI and answers its id (from the address of the page it opens). */
async function createProject(page: Page, name: string): Promise<string> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click()
  await expect(page).toHaveURL(/#\/projects$/)
  await page.getByRole('button', { name: 'New project' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'New project' })
  await dialog.getByLabel('Name').fill(name)
  await expect(dialog.getByText(`glinrdock-${name}`)).toBeVisible()
  await shot(page, '02-new-project-dialog')
  await dialog.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByTestId('project-name')).toHaveText(name)
  return /#\/projects\/([a-z0-9]{12})/.exec(page.url())![1]!
}

test.describe.configure({ timeout: 120_000 })

test('a project is created, a service added and started, its logs read on its page, then all of it deleted', async ({
  page,
  serve,
  env,
  consoleErrors,
}) => {
  await page.emulateMedia({ colorScheme: 'light' })
  const project = `e2e-web-${Date.now().toString(36)}`
  const port = await freePort()
  const volume = `${project}-data`
  let projectId: string | undefined
  try {
    await signIn(page, serve)
    await page.goto(`${serve.url}/#/projects`)
    await expect(page.getByText('Add a host first')).toBeVisible()
    await shot(page, '00-projects-no-host')

    await addLocalHost(serve, env)
    await page.reload()
    await expect(page.getByText('No projects yet')).toBeVisible()
    await shot(page, '01-projects-empty')
    projectId = await createProject(page, project)
    await expect(page.getByText('No services yet')).toBeVisible()
    await expect(page.getByText(`glinrdock-${project}`)).toBeVisible()
    await shot(page, '03-project-empty')

    await page.getByRole('button', { name: 'Add service' }).click()
    const form = page.getByRole('dialog', { name: 'Add service' })
    await form.getByLabel('Name', { exact: true }).fill('Web')
    await form.getByRole('textbox', { name: 'Image' }).fill(env.busyboxImage)
    await form.getByLabel('Command (optional)').fill(`sh -c 'echo hello-from-service; httpd -f -p 8080'`)
    // What the engine will run, argument by argument: no shell splits it later.
    await expect(form.getByRole('list', { name: 'Command arguments' }).getByRole('listitem')).toHaveText([
      'sh',
      '-c',
      'echo hello-from-service; httpd -f -p 8080',
    ])
    await form.getByRole('button', { name: 'Add port' }).click()
    await form.getByLabel('Container port 1').fill('8080')
    await form.getByLabel('Host port 1').fill('99999')
    await form.getByRole('button', { name: 'Paste .env' }).click()
    await form.getByLabel('.env text').fill('# app\nexport GREETING="hello world"\nAPI_TOKEN=s3cret\n')
    await form.getByRole('button', { name: 'Add 2 variables' }).click()
    await form.getByLabel('API_TOKEN is secret').check()

    // The contract's own rules, on the fields they are about, before anything is sent.
    await form.getByRole('button', { name: 'Create and start' }).click()
    await expect(form.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/lowercase letters/)
    await expect(form.getByLabel('Host port 1')).toHaveAccessibleDescription('A port from 1 to 65535')
    await shot(page, '04-service-form-errors')
    await form.getByLabel('Name', { exact: true }).fill('web')
    await form.getByLabel('Host port 1').fill(String(port))
    await shot(page, '05-service-form-filled')
    expect(await axeFindings(page, true), 'service form').toEqual([])
    await form.getByRole('button', { name: 'Add volume' }).click()
    await form.getByLabel('Source of volume 1').fill(volume)
    await form.getByLabel('Container path of volume 1').fill('/data')
    // A bind mount asks for its own confirmation; this one is only looked at, then removed again.
    await form.getByRole('button', { name: 'Add volume' }).click()
    await form.getByLabel('Kind of volume 2').selectOption('bind')
    await form.getByLabel('Source of volume 2').fill('/srv/shared')
    await form.getByLabel('Container path of volume 2').fill('/shared')
    await expect(form.getByLabel(/may read and write \/srv\/shared on the host/)).not.toBeChecked()
    await form.getByRole('radio', { name: 'HTTP request' }).check()
    await form.getByRole('group', { name: 'Volumes' }).scrollIntoViewIfNeeded()
    await shot(page, '05b-service-form-volumes-health')
    await form.getByRole('button', { name: 'Remove volume 2' }).click()
    await form.getByRole('radio', { name: 'None' }).check()
    await form.getByRole('button', { name: 'Create and start' }).click()
    await expect(form).toBeHidden()

    const row = page.getByTestId('service-row').filter({ hasText: 'web' })
    await expect(row).toHaveAttribute('data-state', 'running', { timeout: 60_000 })
    await expect(row).toContainText(`${port}→8080/tcp`)
    await expect(row).toContainText(env.busyboxImage)
    expect(dockerCli(env, ['volume', 'ls', '-q', '--filter', `name=^${volume}$`])).toBe(volume)
    await shot(page, '06-project-running')
    expect(await axeFindings(page), 'project page').toEqual([])

    await row.getByRole('button', { name: 'Open service web' }).click()
    await expect(page.getByTestId('service-name')).toHaveText('web')
    await expect(page.getByTestId('service-status')).toContainText('running')
    await expect(page.getByTestId('spec-summary')).toContainText('API_TOKEN (secret)')
    await shot(page, '07-service-overview')
    expect(await axeFindings(page), 'service overview').toEqual([])
    await page.getByRole('tab', { name: 'Logs' }).click()
    await expect(page).toHaveURL(/\/services\/[a-z0-9]{12}\/logs$/)
    await expect(page.getByTestId('log-view').locator('.xterm-rows')).toContainText('hello-from-service', {
      timeout: 20_000,
    })
    await shot(page, '08-service-logs')
    await page.getByRole('tab', { name: 'Spec' }).click()
    await expect(page.getByTestId('spec-summary')).toContainText('GREETING=hello world')
    await expect(page.getByTestId('spec-summary')).not.toContainText('s3cret')
    await shot(page, '09-service-spec')
    expect(await axeFindings(page), 'service spec').toEqual([])

    // Edit: the secret is kept (never sent back to the page), another value changes.
    await page.getByRole('button', { name: 'Edit' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit service web' })
    await expect(edit.getByText('•••• (kept)')).toBeVisible()
    await edit.getByLabel('Value of GREETING').fill('hi again')
    await shot(page, '10-service-edit')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect(edit).toBeHidden()
    await page.getByRole('tab', { name: 'Overview' }).click()
    await expect(page.getByTestId('drift-list')).toContainText(/spec/i, { timeout: 15_000 })
    await shot(page, '11-service-drift')

    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: project }).click()
    await page.getByRole('button', { name: 'Export compose' }).click()
    const exported = page.getByRole('dialog', { name: `Compose file of ${project}` })
    await expect(exported.getByTestId('compose-yaml')).toContainText('web:')
    await expect(exported.getByTestId('compose-yaml')).not.toContainText('s3cret')
    await shot(page, '12-export-compose')
    await exported.getByRole('button', { name: 'Done' }).click()

    await page.getByRole('button', { name: 'Delete' }).click()
    const confirm = page.getByRole('dialog', { name: `Delete project ${project}?` })
    await expect(confirm).toContainText('its 1 service with their containers')
    await confirm.getByLabel(/also remove their named volumes/i).check()
    await shot(page, '13-delete-project')
    await confirm.getByRole('button', { name: `Delete ${project}` }).click()
    // Stopping the container may take the engine's whole stop timeout (sh as PID 1 ignores SIGTERM).
    await expect(page).toHaveURL(/#\/projects\??$/, { timeout: 30_000 })
    await expect(page.getByText('No projects yet')).toBeVisible()
    expect(projectContainers(env, projectId)).toEqual([])
    expect(dockerCli(env, ['volume', 'ls', '-q', '--filter', `name=^${volume}$`])).toBe('')
  } finally {
    removeProjectLeftovers(env, project, projectId)
    dockerCli(env, ['volume', 'rm', '-f', volume])
  }
  expect(consoleErrors).toEqual([])
})

test('a compose file is previewed with every warning before anything is stored, then imported', async ({
  page,
  serve,
  env,
  consoleErrors,
  containers,
}) => {
  await page.emulateMedia({ colorScheme: 'light' })
  const project = `e2e-compose-${Date.now().toString(36)}`
  const loose = `gd-e2e-adopt-${Date.now()}`
  containers.run(loose, 'while true; do sleep 1; done', ['--label', 'com.docker.compose.project=legacy'])
  const hostId = await addLocalHost(serve, env)
  let projectId: string | undefined
  try {
    await signIn(page, serve)
    projectId = await createProject(page, project)

    await page.getByRole('button', { name: 'Import compose' }).click()
    const dialog = page.getByRole('dialog', { name: `Import a compose file into ${project}` })
    await dialog
      .getByRole('textbox', { name: 'Compose file' })
      .fill(
        [
          'services:',
          '  api:',
          `    image: ${env.busyboxImage}`,
          '    build: ./api',
          '    command: ["sh", "-c", "sleep 3600"]',
          '    env_file: ./api.env',
          '    networks: [backend]',
          '    ports:',
          '      - "127.0.0.1::8080"',
          '  worker:',
          `    image: ${env.busyboxImage}`,
          '    depends_on: [api]',
          '    networks:',
          '      - backend',
          'networks:',
          '  backend: {}',
        ].join('\n'),
      )
    await dialog.getByRole('button', { name: 'Add env file' }).click()
    await dialog.getByLabel('Path of env file 1').fill('./api.env')
    await dialog.getByLabel('Content of ./api.env').fill('MODE=prod\n')
    await expect(dialog.getByRole('button', { name: 'Import' })).toBeDisabled()
    await dialog.getByRole('button', { name: 'Preview' }).click()

    const preview = dialog.getByTestId('compose-preview')
    await expect(preview.getByTestId('preview-service')).toHaveCount(2)
    await expect(preview.getByTestId('preview-service').filter({ hasText: 'api' })).toContainText('MODE')
    const warnings = preview.getByTestId('compose-warning')
    await expect(warnings.filter({ hasText: 'services.api.build' })).toHaveCount(1)
    await expect(warnings.filter({ hasText: /^networks/ }).first()).toBeVisible()
    await expect(warnings.filter({ hasText: 'services.api.networks' }).first()).toBeVisible()
    await shot(page, '14-import-preview')
    expect(await axeFindings(page, true), 'import preview').toEqual([])

    // A dry run stored nothing: the page behind still has no services, and neither has the server.
    await expect(page.getByText('No services yet')).toBeAttached()
    const api = apiClient(serve.url, serve.adminToken)
    expect((await api.get(`/v1/projects/${projectId}/services`)).json).toEqual([])

    // Changing the file makes the preview stale: it must be read again before importing.
    await dialog.getByRole('textbox', { name: 'Compose file' }).press('End')
    await dialog.getByRole('textbox', { name: 'Compose file' }).pressSequentially('\n')
    await expect(dialog.getByText('preview again to import')).toBeVisible()
    await dialog.getByRole('button', { name: 'Preview' }).click()
    await dialog.getByRole('button', { name: 'Import 2 services' }).click()
    await expect(dialog).toBeHidden()
    const rows = page.getByTestId('service-row')
    await expect(rows).toHaveCount(2)
    await expect(rows.filter({ hasText: 'api' })).toHaveAttribute('data-state', 'missing')
    await expect(rows.filter({ hasText: 'worker' })).toContainText('no container')
    await shot(page, '15-project-imported')

    // A server-side refusal names the field it is about.
    await page.getByRole('button', { name: 'Import compose' }).click()
    const again = page.getByRole('dialog', { name: `Import a compose file into ${project}` })
    await again
      .getByRole('textbox', { name: 'Compose file' })
      .fill(`services:\n  api:\n    image: ${env.busyboxImage}\n`)
    await again.getByRole('button', { name: 'Preview' }).click()
    await expect(again.getByTestId('import-error')).toContainText('services.api.name')
    await shot(page, '16-import-error')
    await again.getByRole('button', { name: 'Cancel' }).click()

    await page.getByRole('button', { name: 'Adopt containers' }).click()
    const adopt = page.getByRole('dialog', { name: `Adopt containers into ${project}` })
    const group = adopt.getByTestId('adopt-group').filter({ hasText: 'Compose project legacy' })
    await expect(group).toContainText(loose)
    await group.getByRole('checkbox', { name: /Compose project legacy/ }).check()
    await expect(adopt.getByRole('button', { name: /^Adopt \d+ container/ })).toBeEnabled()
    await shot(page, '17-adopt')
    expect(await axeFindings(page, true), 'adopt picker').toEqual([])
    await adopt.getByRole('button', { name: 'Cancel' }).click()

    await page.goto(`${serve.url}/#/projects`)
    const listed = page.getByTestId('project-row').filter({ hasText: project })
    await expect(listed).toContainText('2 no container')
    await expect(listed).toContainText('local')
    await shot(page, '18-projects-list')
    expect(await axeFindings(page), 'projects list').toEqual([])
    expect(hostId).toBeTruthy()
  } finally {
    removeProjectLeftovers(env, project, projectId)
  }
  expect(consoleErrors).toEqual([])
})
