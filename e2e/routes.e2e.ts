import { axeFindings, shot } from './fixtures/page-checks'
import { freePort } from './fixtures/free-port'
import { PAGE_TEXT, expect, test, throughProxy } from './fixtures/proxied-service'
import { dockerCli } from './fixtures/testbed-env'
import { apiClient } from './fixtures/api-client'
import { createToken, signIn } from './fixtures/ui'

const DOMAIN = 'app.e2e.test'

test.describe.configure({ timeout: 240_000 })

test('a route is tested, added, served by the host’s proxy and removed from the UI; certificates explain themselves', async ({
  page,
  env,
  proxiedService,
  consoleErrors,
}) => {
  const httpPort = await freePort()
  const { serve, proxyName, name, hostId, projectId, serviceId } = await proxiedService({
    tag: 'routes',
    ports: { httpPort, httpsPort: await freePort() },
  })

  // From here on, the UI: the service's Routes tab.
  await signIn(page, serve)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click()
  await page.getByRole('button', { name: `Open project ${name}` }).click()
  await page.getByRole('button', { name: 'Open service web' }).click()
  await page.getByRole('tab', { name: 'Routes' }).click()
  await expect(page).toHaveURL(/\/services\/[^/]+\/routes/)
  await expect(page.getByText('No routes to this service')).toBeVisible()
  const form = page.getByRole('form', { name: 'Add route' })
  // The container port defaults to the service's first port.
  await expect(form.getByLabel('Container port')).toHaveValue('8080')
  await expect(form.getByLabel('Path')).toHaveValue('/')

  // The contract's rules show on the field before anything is sent.
  await form.getByLabel('Domain').fill('not a domain')
  await form.getByRole('button', { name: 'Test config' }).click()
  await expect(form.getByText(/Not a domain/)).toBeVisible()
  await shot(page, 'routes-01-field-error')

  // Test config: nginx's verdict and the rendered configuration, nothing applied.
  await form.getByLabel('Domain').fill(DOMAIN)
  await form.getByRole('button', { name: 'Test config' }).click()
  const verdict = page.getByTestId('preview-verdict')
  await expect(verdict).toHaveAttribute('data-state', 'ok', { timeout: 90_000 })
  await expect(verdict).toContainText('nginx accepts this configuration')
  await page.getByText('Rendered configuration').click()
  await expect(page.getByLabel('Rendered nginx configuration')).toContainText(`server_name ${DOMAIN}`)
  await shot(page, 'routes-02-test-config')
  expect(await axeFindings(page), 'service routes with a preview').toEqual([])

  // Add route: listed on the service with its link.
  await form.getByRole('button', { name: 'Add route' }).click()
  const row = page.getByTestId('route-row').filter({ hasText: DOMAIN })
  await expect(row).toBeVisible({ timeout: 60_000 })
  await expect(row.getByRole('link', { name: new RegExp(DOMAIN) })).toHaveAttribute(
    'href',
    new RegExp(`^http://${DOMAIN.replace(/\./g, '\\.')}`),
  )
  await expect(row).toContainText('HTTP only')
  await shot(page, 'routes-03-service-routes')
  expect(await axeFindings(page), 'service routes').toEqual([])

  // The host's Routes tab: the same route, and the proxy running on the ports given to the host.
  await page.goto(`${serve.url}/#/hosts/${encodeURIComponent(hostId)}/routes`)
  await expect(page.getByTestId('proxy-status')).toHaveAttribute('data-state', 'running', { timeout: 60_000 })
  await expect(page.getByTestId('proxy-ports')).toContainText(`HTTP ${httpPort}`)
  await expect(page.getByTestId('route-row').filter({ hasText: DOMAIN })).toContainText('web')
  await shot(page, 'routes-04-host-routes')
  expect(await axeFindings(page), 'host routes').toEqual([])

  // The proxy serves the service's page for that Host, seen from outside the browser.
  let last = ''
  await expect
    .poll(
      async () => {
        try {
          const res = await throughProxy(httpPort, DOMAIN)
          last = `${res.status} ${res.body.trim()}`
        } catch (err) {
          last = String(err)
        }
        return last
      },
      { timeout: 30_000 },
    )
    .toBe(`200 ${PAGE_TEXT}`)

  // A file the generated configuration includes, broken by hand inside the proxy: nginx now refuses every new
  // configuration, and its own words reach the preview, the form and the host's proxy card.
  dockerCli(env, ['exec', proxyName, 'sh', '-c', 'cp /etc/nginx/mime.types /tmp/mime.types.bak'])
  dockerCli(env, ['exec', proxyName, 'sh', '-c', 'echo "types {" > /etc/nginx/mime.types'])
  await page.goto(`${serve.url}/#/projects/${projectId}/services/${serviceId}/routes`)
  const second = page.getByRole('form', { name: 'Add route' })
  await second.getByLabel('Domain').fill(`second.${DOMAIN}`)
  await second.getByRole('button', { name: 'Test config' }).click()
  await expect(verdict).toHaveAttribute('data-state', 'rejected', { timeout: 90_000 })
  await expect(verdict).toContainText('nginx refuses this configuration')
  await expect(page.getByLabel('nginx -t output')).toContainText('[emerg]')
  await expect(page.getByLabel('nginx -t output')).toContainText('/etc/nginx/mime.types')
  await expect(second.getByRole('button', { name: 'Add route' })).toBeDisabled()
  await shot(page, 'routes-02b-test-config-rejected')
  // Another path is another configuration: adding it untested is refused with nginx's message, nothing kept.
  await second.getByLabel('Path').fill('/v2')
  await second.getByRole('button', { name: 'Add route' }).click()
  const routeError = page.getByTestId('route-error')
  await expect(routeError).toContainText('The proxy’s nginx refused the configuration', { timeout: 60_000 })
  await expect(routeError.getByLabel('nginx said')).toContainText('[emerg]')
  await expect(page.getByTestId('route-row')).toHaveCount(1)
  await shot(page, 'routes-02c-add-rejected')
  expect(await axeFindings(page), 'service routes with a refusal').toEqual([])
  await page.goto(`${serve.url}/#/hosts/${encodeURIComponent(hostId)}/routes`)
  await expect(page.getByTestId('proxy-status')).toHaveAttribute('data-state', 'error', { timeout: 30_000 })
  await expect(page.getByTestId('proxy-last-error')).toContainText('/etc/nginx/mime.types')
  await expect(page.getByTestId('route-row')).toHaveCount(1)
  await shot(page, 'routes-04b-host-proxy-error')
  expect(await axeFindings(page), 'host routes with a proxy error').toEqual([])
  // The old configuration kept serving throughout.
  expect(await throughProxy(httpPort, DOMAIN)).toEqual({ status: 200, body: `${PAGE_TEXT}\n` })

  // The file repaired, Re-apply from the card clears the error.
  dockerCli(env, ['exec', proxyName, 'sh', '-c', 'cp /tmp/mime.types.bak /etc/nginx/mime.types'])
  await page.getByRole('button', { name: 'Re-apply' }).click()
  await expect(page.getByTestId('toast').filter({ hasText: 'serves 1 route.' })).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('proxy-status')).toHaveAttribute('data-state', 'running', { timeout: 30_000 })
  await expect(page.getByTestId('proxy-last-error')).toHaveText('none')

  // Remove, with the confirmation naming the domain.
  await page.getByRole('button', { name: `Remove the route ${DOMAIN}` }).click()
  const dialog = page.getByRole('dialog', { name: `Remove the route ${DOMAIN}?` })
  await expect(dialog).toBeVisible()
  await shot(page, 'routes-05-remove-confirm')
  expect(await axeFindings(page, true), 'remove dialog').toEqual([])
  await dialog.getByRole('button', { name: 'Remove route' }).click()
  await expect(dialog).toBeHidden({ timeout: 30_000 })
  await expect(page.getByText('No routes on this host')).toBeVisible({ timeout: 30_000 })
  await expect
    .poll(async () => (await throughProxy(httpPort, DOMAIN).catch(() => ({ status: 0, body: '' }))).body, {
      timeout: 30_000,
    })
    .not.toContain(PAGE_TEXT)

  // Certificates: in the main navigation; this server never had an HTTPS route, so the empty state says how one comes.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Certificates' }).click()
  await expect(page).toHaveURL(/#\/certs/)
  await expect(page.getByText('No certificates yet')).toBeVisible()
  await shot(page, 'routes-06-certificates')
  expect(await axeFindings(page), 'certificates').toEqual([])

  // Settings: the ACME section with its presets.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  const acme = page.getByRole('region', { name: 'HTTPS certificates (ACME)' })
  await expect(acme.getByRole('radio', { name: /^Let’s Encrypt —/ })).toBeChecked()
  await acme.scrollIntoViewIfNeeded()
  await shot(page, 'routes-07-acme-settings')
  expect(consoleErrors).toEqual([])
})

test('certificates, ACME settings and the host form’s proxy group speak for themselves; a viewer may only look', async ({
  page,
  serve,
  env,
  consoleErrors,
}) => {
  await signIn(page, serve)
  const nav = page.getByRole('navigation', { name: 'Main' })

  // No HTTPS route yet: the empty state says how a certificate comes and where the directory is set.
  await nav.getByRole('link', { name: 'Certificates' }).click()
  await expect(page.getByText('No certificates yet')).toBeVisible()
  await expect(page.getByRole('link', { name: 'Settings → HTTPS certificates (ACME)' })).toBeVisible()
  await shot(page, 'routes-10-certs-empty')
  expect(await axeFindings(page), 'certificates empty').toEqual([])

  // ACME settings: the contract's rule on a custom URL, then the staging preset and a contact, kept on reload.
  await page.getByRole('link', { name: 'Settings → HTTPS certificates (ACME)' }).click()
  const acme = page.getByRole('region', { name: 'HTTPS certificates (ACME)' })
  await expect(acme.getByRole('radio', { name: /^Let’s Encrypt —/ })).toBeChecked()
  await acme.getByRole('radio', { name: /^Another ACME directory/ }).check()
  await acme.getByLabel('Directory URL').fill('http://acme.example.com/directory')
  await acme.getByRole('button', { name: 'Save' }).click()
  await expect(acme.getByText('An https:// URL of an ACME directory')).toBeVisible()
  await acme.scrollIntoViewIfNeeded()
  await shot(page, 'routes-11-acme-error')
  await acme.getByRole('radio', { name: /^Let’s Encrypt staging/ }).check()
  await acme.getByLabel('Contact email (optional)').fill('ops@example.com')
  await acme.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByTestId('toast').filter({ hasText: 'ACME settings are saved' })).toBeVisible()
  await page.reload()
  await expect(acme.getByRole('radio', { name: /^Let’s Encrypt staging/ })).toBeChecked()
  await expect(acme.getByLabel('Contact email (optional)')).toHaveValue('ops@example.com')
  expect(await axeFindings(page), 'settings').toEqual([])

  // The host form: an optional proxy group with the defaults shown, its ports checked by the contract.
  await nav.getByRole('link', { name: 'Hosts' }).click()
  await page.getByRole('button', { name: 'Add host' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add host' })
  const proxy = dialog.getByRole('group', { name: 'Proxy (optional)' })
  await expect(proxy.getByLabel('HTTP port')).toHaveAttribute('placeholder', '80')
  await expect(proxy.getByLabel('HTTPS port')).toHaveAttribute('placeholder', '443')
  await dialog.getByLabel('Name').fill('with-proxy')
  await proxy.getByLabel('HTTP port').fill('8080')
  await proxy.getByLabel('HTTPS port').fill('8080')
  await dialog.getByRole('button', { name: 'Add host' }).click()
  await expect(proxy.getByText('The HTTP and HTTPS ports must differ')).toBeVisible()
  await shot(page, 'routes-12-host-form-proxy')
  expect(await axeFindings(page, true), 'add host dialog').toEqual([])
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  // A viewer on a service's Routes tab and on a host's: everything shown, nothing it may not do enabled.
  const api = apiClient(serve.url, serve.adminToken)
  const host = await api.post('/v1/hosts', { name: 'local', socketPath: env.dockerSocket })
  expect(host.status, host.text).toBe(201)
  const hostId = host.json.id as string
  const project = await api.post('/v1/projects', { name: `e2eviewer${Date.now().toString(36)}`, hostId })
  expect(project.status, project.text).toBe(201)
  const created = await api.post(`/v1/projects/${project.json.id}/services`, {
    name: 'web',
    image: env.busyboxImage,
    ports: [{ container: 8080 }],
  })
  expect(created.status, created.text).toBe(201)

  // The edit dialog shows the host's proxy settings as they are; a change shows on the host's proxy card.
  await page.goto(`${serve.url}/#/hosts/${hostId}/routes`)
  await expect(page.getByTestId('proxy-ports')).toHaveText('HTTP 80 · HTTPS 443')
  await page.getByRole('button', { name: 'Edit' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit local' })
  const editProxy = edit.getByRole('group', { name: 'Proxy (optional)' })
  await expect(editProxy.getByLabel('Image')).toHaveValue('nginx:1.27-alpine')
  await expect(editProxy.getByLabel('HTTP port')).toHaveValue('80')
  await expect(editProxy.getByLabel('HTTPS port')).toHaveValue('443')
  await editProxy.getByLabel('HTTP port').fill('8081')
  await editProxy.getByRole('textbox', { name: 'HTTPS port' }).scrollIntoViewIfNeeded()
  await shot(page, 'routes-12b-edit-host-proxy')
  expect(await axeFindings(page, true), 'edit host dialog').toEqual([])
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(edit).toBeHidden()
  await expect(page.getByTestId('proxy-ports')).toHaveText('HTTP 8081 · HTTPS 443')
  expect((await api.get(`/v1/hosts/${hostId}`)).json.proxy).toMatchObject({ httpPort: 8081, httpsPort: 443 })

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.goto('about:blank')
  await signIn(page, serve, await createToken(serve, 'viewer'))
  await page.goto(`${serve.url}/#/projects/${project.json.id}/services/${created.json.id}/routes`)
  const form = page.getByRole('form', { name: 'Add route' })
  await expect(form.getByLabel('Domain')).toBeDisabled()
  await expect(form.getByRole('button', { name: 'Test config' })).toBeDisabled()
  await expect(form.getByRole('button', { name: 'Add route' })).toBeDisabled()
  await shot(page, 'routes-13-viewer-service-routes')
  await page.goto(`${serve.url}/#/hosts/${hostId}/routes`)
  await expect(page.getByRole('button', { name: 'Re-apply' })).toBeDisabled()
  await shot(page, 'routes-14-viewer-host-routes')
  expect(consoleErrors).toEqual([])
})
