import { describe, expect, it } from 'vitest'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { applyContainersChanged } from './container-changes'
import { matchesFilter } from './container-filter'

const container = (id: string, extra: Partial<ContainerSummary> = {}): ContainerSummary => ({
  id,
  name: `app-${id}`,
  image: 'busybox',
  imageId: 'sha256:1',
  command: 'sh',
  state: 'running',
  status: 'Up 2 minutes',
  ports: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  labels: {},
  composeProject: null,
  ...extra,
})

describe('the container filter', () => {
  const web = container('a1', { name: 'shop-web', labels: { tier: 'front', 'com.docker.compose.project': 'shop' } })
  const db = container('b2', { name: 'shop-db', state: 'exited', labels: { tier: 'data' } })

  it('matches a part of the name, case-insensitively', () => {
    expect([web, db].filter((c) => matchesFilter(c, 'WEB'))).toEqual([web])
  })
  it('matches a part of the image name', () => {
    const nginx = container('c3', { name: 'proxy', image: 'nginx:1.25' })
    expect([web, db, nginx].filter((c) => matchesFilter(c, 'nginx'))).toEqual([nginx])
  })
  it('matches a state exactly', () => {
    expect([web, db].filter((c) => matchesFilter(c, 'exited'))).toEqual([db])
  })
  it('matches a label key, or key=value exactly', () => {
    expect([web, db].filter((c) => matchesFilter(c, 'tier'))).toEqual([web, db])
    expect([web, db].filter((c) => matchesFilter(c, 'tier=data'))).toEqual([db])
    expect([web, db].filter((c) => matchesFilter(c, 'tier=dat'))).toEqual([])
  })
  it('needs every term to match', () => {
    expect([web, db].filter((c) => matchesFilter(c, 'shop running'))).toEqual([web])
  })
  it('keeps everything for an empty filter', () => {
    expect([web, db].filter((c) => matchesFilter(c, '  '))).toEqual([web, db])
  })
})

describe('applying containers.changed', () => {
  const a = container('a')
  const b = container('b')
  const c = container('c')

  it('upserts in place, appends new ones and drops removed ids', () => {
    const stopped = { ...b, state: 'exited' }
    expect(
      applyContainersChanged([a, b, c], { hostId: 'h', upserted: [stopped, container('d')], removed: ['a'] }),
    ).toEqual([stopped, c, container('d')])
  })
  it('replaces the whole list on reset', () => {
    expect(applyContainersChanged([a, b], { hostId: 'h', upserted: [c], removed: [], reset: true })).toEqual([c])
  })
})
