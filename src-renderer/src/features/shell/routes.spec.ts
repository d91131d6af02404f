import { describe, expect, it } from 'vitest'
import { CONTAINER_TABS, HOST_TABS, parseRoute, paths, sectionOf, SERVICE_TABS } from './routes'

describe('routes', () => {
  it('round-trips every view through its address', () => {
    expect(parseRoute(paths.dashboard()).view).toBe('dashboard')
    expect(parseRoute(paths.hosts()).view).toBe('hosts')
    expect(parseRoute(paths.settings()).view).toBe('settings')
    expect(parseRoute(paths.jobs()).view).toBe('jobs')
    expect(parseRoute(paths.certs()).view).toBe('certs')
    expect(sectionOf('certs')).toBe('certs')
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
    expect(parseRoute(paths.projects()).view).toBe('projects')
    expect(parseRoute(paths.project('p1aaaaaaaaaa'))).toMatchObject({ view: 'project', projectId: 'p1aaaaaaaaaa' })
    for (const tab of SERVICE_TABS) {
      expect(parseRoute(paths.service('p1aaaaaaaaaa', 's1aaaaaaaaaa', tab))).toMatchObject({
        view: 'service',
        projectId: 'p1aaaaaaaaaa',
        serviceId: 's1aaaaaaaaaa',
        serviceTab: tab,
      })
    }
    expect(parseRoute(paths.build('p1aaaaaaaaaa', 's1aaaaaaaaaa', 'b1aaaaaaaaaa'))).toMatchObject({
      view: 'build',
      projectId: 'p1aaaaaaaaaa',
      serviceId: 's1aaaaaaaaaa',
      buildId: 'b1aaaaaaaaaa',
    })
  })

  it('leaves the default service tab out of the address and files project views under Projects', () => {
    expect(paths.service('p1', 's1')).toBe('/projects/p1/services/s1')
    expect(paths.service('p1', 's1', 'logs')).toBe('/projects/p1/services/s1/logs')
    for (const view of ['projects', 'project', 'service', 'build'] as const) expect(sectionOf(view)).toBe('projects')
  })

  it('ignores the query string and calls anything else not found, broken escapes included', () => {
    expect(parseRoute('/hosts/h1?q=web&sort=name').view).toBe('host')
    for (const path of [
      '/nope',
      '/hosts/h1/bogus',
      '/hosts/h1/containers/c1/bogus',
      '/hosts/%zz',
      '/settings/x',
      '/projects/%zz',
      '/projects/p1/bogus',
      '/projects/p1/services',
      '/projects/p1/services/s1/bogus',
      '/projects/p1/services/s1/logs/x',
      '/projects/p1/services/s1/logs/b1',
      '/projects/p1/services/s1/builds/b1/x',
    ]) {
      expect(parseRoute(path).view, path).toBe('not-found')
    }
  })
})
