import { describe, expect, it } from 'vitest'
import { CONTAINER_TABS, HOST_TABS, parseRoute, paths } from './routes'

describe('routes', () => {
  it('round-trips every view through its address', () => {
    expect(parseRoute(paths.dashboard()).view).toBe('dashboard')
    expect(parseRoute(paths.hosts()).view).toBe('hosts')
    expect(parseRoute(paths.settings()).view).toBe('settings')
    expect(parseRoute(paths.jobs()).view).toBe('jobs')
    for (const tab of HOST_TABS) {
      expect(parseRoute(paths.host('abc123def456', tab))).toMatchObject({
        view: 'host',
        hostId: 'abc123def456',
        hostTab: tab,
      })
    }
    for (const tab of CONTAINER_TABS) {
      expect(parseRoute(paths.container('abc123def456', 'f00d', tab))).toMatchObject({
        view: 'container',
        hostId: 'abc123def456',
        containerId: 'f00d',
        containerTab: tab,
      })
    }
  })

  it('ignores the query string and calls anything else not found, broken escapes included', () => {
    expect(parseRoute('/hosts/h1?q=web&sort=name').view).toBe('host')
    for (const path of ['/nope', '/hosts/h1/bogus', '/hosts/h1/containers/c1/bogus', '/hosts/%zz', '/settings/x']) {
      expect(parseRoute(path).view, path).toBe('not-found')
    }
  })
})
