import { describe, expect, it } from 'vitest'
import { planContainer } from '../projects/container-config'
import type { StoredSpec } from '../projects/project-store'
import { releasedSpec } from '../projects/service-release'
import type { ResolvedSpec } from '../projects/service-spec'
import { strategyFor } from './container-swap'
import { envChanges, portText } from './deployment-snapshot'
import type { DeploymentRecord } from './deployment-store'
import { checkBudgetMs } from './health-gate'
import { rollbackTarget } from './rollback-target'
import { resolvedWebSpec } from '../projects/spec-test-support'

const project = { id: 'p00000000001', name: 'shop' }

const spec = resolvedWebSpec

describe('the strategy', () => {
  it('is stop-first only when a fixed host port is published', () => {
    const plan = (ports: ResolvedSpec['ports']) => planContainer(project, 's1', spec({ ports }))
    expect(strategyFor(plan([]))).toBe('start-first')
    expect(strategyFor(plan([{ container: 80, protocol: 'tcp' }]))).toBe('start-first')
    expect(strategyFor(plan([{ container: 80, host: 8080, protocol: 'tcp' }]))).toBe('stop-first')
    expect(strategyFor(plan([{ container: 53, host: 53, protocol: 'udp', hostIp: '127.0.0.1' }]))).toBe('stop-first')
  })
})

describe('the release', () => {
  it('pins the image by id, and the hash follows it (the label the container carries)', () => {
    const release = { deploymentId: 'd1', imageId: 'sha256:' + 'a'.repeat(64), imageTag: 'app:v1', commit: null }
    const pinned = planContainer(project, 's1', releasedSpec(spec({ image: null }), release))
    expect(pinned.body.Image).toBe(release.imageId)
    const other = planContainer(project, 's1', releasedSpec(spec({ image: null }), { ...release, imageId: 'sha256:b' }))
    expect(other.specHash).not.toBe(pinned.specHash)
    expect(releasedSpec(spec(), null).image).toBe('nginx:1.27')
  })
})

describe('the rollback preview', () => {
  it('names the env keys that change, never their values', () => {
    expect(envChanges({ A: '1', B: '2', C: '3' }, { A: '1', B: 'two', D: '4' })).toEqual([
      { key: 'B', change: 'changed' },
      { key: 'C', change: 'removed' },
      { key: 'D', change: 'added' },
    ])
    expect(JSON.stringify(envChanges({ S: 'hunter2' }, { S: 'hunter3' }))).not.toContain('hunter')
  })

  it('shows ports as docker ps does', () => {
    expect(portText({ container: 80, protocol: 'tcp' })).toBe('80/tcp')
    expect(portText({ container: 80, host: 8080, protocol: 'tcp' })).toBe('8080->80/tcp')
    expect(portText({ container: 53, host: 53, protocol: 'udp', hostIp: '127.0.0.1' })).toBe('127.0.0.1:53->53/udp')
  })
})

describe('the health gate budget', () => {
  it('is the check’s own budget (start period + (interval + timeout) × retries) plus a margin', () => {
    expect(checkBudgetMs({ Interval: 1e9, Timeout: 2e9, Retries: 3, StartPeriod: 4e9 })).toBe(4_000 + 9_000 + 5_000)
    // The engine's defaults for unset fields: 30 s interval and timeout, 3 retries.
    expect(checkBudgetMs({})).toBe(180_000 + 5_000)
  })
})

describe('the rollback target', () => {
  const snapshot = { env: [] } as unknown as StoredSpec
  const d = (id: string, over: Partial<DeploymentRecord> = {}): DeploymentRecord =>
    ({ id, serviceId: 's1', status: 'succeeded', imageId: `sha256:${id}`, spec: snapshot, ...over }) as DeploymentRecord
  // Newest first, as the store answers.
  const succeeded = [d('d4'), d('d3'), d('d2'), d('d1')]
  const service = (current: string | null) => ({ id: 's1', name: 'web', currentDeploymentId: current })

  it('defaults to the successful deployment before the current one', () => {
    expect(rollbackTarget(service('d4'), succeeded, undefined, undefined).id).toBe('d3')
    expect(rollbackTarget(service('d2'), succeeded, undefined, undefined).id).toBe('d1')
    // No current one (the user chose another image since): the newest.
    expect(rollbackTarget(service(null), succeeded, undefined, undefined).id).toBe('d4')
  })

  it('takes any earlier successful deployment by id', () => {
    expect(rollbackTarget(service('d4'), succeeded, succeeded[3], 'd1').id).toBe('d1')
  })

  it('refuses what it cannot bring back, with the reason', () => {
    const code = (fn: () => unknown) => {
      try {
        fn()
      } catch (err) {
        return (err as { code: string }).code
      }
      return 'none'
    }
    expect(code(() => rollbackTarget(service('d1'), [d('d1')], undefined, undefined))).toBe('conflict')
    expect(code(() => rollbackTarget(service('d4'), succeeded, succeeded[0], 'd4'))).toBe('conflict')
    expect(code(() => rollbackTarget(service('d4'), succeeded, d('dx', { status: 'failed' }), 'dx'))).toBe('conflict')
    expect(code(() => rollbackTarget(service('d4'), succeeded, d('dy', { serviceId: 's2' }), 'dy'))).toBe('validation')
    expect(code(() => rollbackTarget(service('d4'), succeeded, undefined, 'dz'))).toBe('not_found')
  })
})
