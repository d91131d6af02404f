import AxeBuilder from '@axe-core/playwright'
import { addLocalHost, signIn } from './fixtures/ui'
import { expect, test } from './fixtures/test'

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical violation on any main view (${colorScheme})`, async ({
    page,
    serve,
    containers,
    env,
  }) => {
    await page.emulateMedia({ colorScheme })
    const name = `gd-e2e-axe-${colorScheme}-${Date.now()}`
    containers.run(name, 'while true; do echo axe; sleep 1; done', ['-p', '127.0.0.1::8080'])
    const hostId = await addLocalHost(serve, env)
    await signIn(page, serve)
    const views = [
      '/',
      '/hosts',
      `/hosts/${hostId}`,
      `/hosts/${hostId}/images`,
      `/hosts/${hostId}/volumes`,
      `/hosts/${hostId}/networks`,
      `/hosts/${hostId}/containers/${name}`,
      `/hosts/${hostId}/containers/${name}/stats`,
      `/hosts/${hostId}/containers/${name}/inspect`,
      `/hosts/${hostId}/containers/${name}/terminal`,
      '/settings',
    ]
    for (const view of views) {
      await page.goto(`${serve.url}/#${view}`)
      await page.waitForLoadState('networkidle')
      await expect(page.locator('.state[role="status"]')).toHaveCount(0, { timeout: 15_000 })
      const { violations } = await new AxeBuilder({ page }).analyze()
      const serious = violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
      expect(serious, view).toEqual([])
    }
    await page.goto(`${serve.url}/#/hosts/${hostId}`)
    await page.getByRole('button', { name: 'Edit' }).click()
    const { violations } = await new AxeBuilder({ page }).include('[role="dialog"]').analyze()
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([])
  })
}

test('every control is reachable with the keyboard and shows a focus ring', async ({ page, serve }) => {
  await signIn(page, serve)
  const seen: { tag: string; outline: string; shadow: string }[] = []
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab')
    seen.push(
      await page.evaluate(() => {
        const element = document.activeElement as HTMLElement
        const style = getComputedStyle(element)
        return { tag: element.tagName, outline: style.outlineStyle, shadow: style.boxShadow }
      }),
    )
  }
  const focusable = seen.filter((entry) => entry.tag !== 'BODY')
  expect(focusable.length).toBeGreaterThan(5)
  for (const entry of focusable) expect(entry.outline !== 'none' || entry.shadow !== 'none', entry.tag).toBe(true)
})
