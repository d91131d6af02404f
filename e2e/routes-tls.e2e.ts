import { axeFindings, shot } from './fixtures/page-checks'
import { freePort } from './fixtures/free-port'
import { mapDomain, pebbleRoots, unmapDomain } from './fixtures/pebble'
import { PAGE_TEXT, expect, test, throughProxy } from './fixtures/proxied-service'
import { signIn } from './fixtures/ui'

test('an HTTPS route gets its certificate from the ACME directory; the certificates list puts trouble in colour', async ({
  page,
  env,
  proxiedService,
  consoleErrors,
}) => {
  const httpsPort = await freePort()
  // pebble's VA fetches HTTP-01 challenges on pebbleHttpPort: this server's proxy publishes HTTP there.
  const { serve, api, projectId, serviceId } = await proxiedService({
    tag: 'routes-tls',
    ports: { httpPort: env.pebbleHttpPort, httpsPort },
    serveEnv: { GLINRDOCK_ACME_CA_FILE: env.pebbleCaFile },
    settings: { acmeDirectoryUrl: env.pebbleDirectory },
  })
  const run = Date.now().toString(36)
  const tlsDomain = `tls-${run}.test`
  // Resolved by pebble's DNS to an address where nothing listens: the CA cannot validate it.
  const goneDomain = `gone-${run}.test`
  await mapDomain(env, goneDomain, '127.0.0.9')
  try {
    const gone = await api.post('/v1/routes', { serviceId, domain: goneDomain, port: 8080, tls: true })
    expect(gone.status, gone.text).toBe(201)

    // The UI: an HTTPS route added on the service's Routes tab.
    await signIn(page, serve)
    await page.goto(`${serve.url}/#/projects/${projectId}/services/${serviceId}/routes`)
    const form = page.getByRole('form', { name: 'Add route' })
    await form.getByLabel('Domain').fill(tlsDomain)
    await form.getByLabel(/^HTTPS: order a certificate/).check()
    await form.getByRole('button', { name: 'Add route' }).click()
    await expect(page.getByTestId('toast').filter({ hasText: 'its certificate is being ordered' })).toBeVisible({
      timeout: 60_000,
    })
    const tlsRow = page.getByTestId('route-row').filter({ hasText: tlsDomain })
    await expect(tlsRow.getByTestId('route-cert')).toHaveAttribute('data-state', 'valid', { timeout: 120_000 })
    await expect(tlsRow.getByTestId('route-cert')).toContainText('HTTPS · Valid')
    await expect(
      page.getByTestId('route-row').filter({ hasText: goneDomain }).getByTestId('route-cert'),
    ).toHaveAttribute('data-state', 'failed', { timeout: 120_000 })
    await shot(page, 'routes-08-service-https-routes')
    expect(await axeFindings(page), 'service routes with certificates').toEqual([])

    // The proxy serves the issued chain (verified against pebble's root only), and sends plain HTTP there.
    const { root } = await pebbleRoots(env)
    await expect
      .poll(
        async () =>
          (
            await throughProxy(httpsPort, tlsDomain, { ca: root }).catch((err: Error) => ({
              status: 0,
              body: err.message,
            }))
          ).body.trim(),
        {
          timeout: 30_000,
        },
      )
      .toBe(PAGE_TEXT)
    const plain = await throughProxy(env.pebbleHttpPort, tlsDomain)
    expect(plain.status).toBe(308)

    // Certificates: expiring first; the one the CA could not validate after, red, with the CA's reason.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Certificates' }).click()
    const table = page.getByRole('table', { name: 'Certificates, expiring first' })
    await expect(table).toBeVisible()
    const rows = table.getByTestId('cert-row')
    await expect(rows).toHaveCount(2)
    await expect(rows.nth(0)).toHaveAttribute('data-domain', tlsDomain)
    await expect(rows.nth(1)).toHaveAttribute('data-domain', goneDomain)
    await expect(rows.nth(0).getByTestId('cert-status')).toHaveClass(/chip-ok/)
    await expect(rows.nth(0)).toContainText('Valid')
    await expect(rows.nth(0)).toContainText(/in \d+ days/)
    await expect(rows.nth(1).getByTestId('cert-status')).toHaveClass(/chip-bad/)
    await expect(rows.nth(1)).toContainText('Failed')
    await expect(rows.nth(1)).toContainText('1 failed attempt')
    await expect(rows.nth(1).getByRole('button', { name: `Issue the certificate for ${goneDomain}` })).toBeVisible()
    await shot(page, 'routes-09-certificates-list')
    expect(await axeFindings(page), 'certificates list').toEqual([])
    expect(consoleErrors).toEqual([])
  } finally {
    await unmapDomain(env, goneDomain).catch(() => undefined)
  }
})
