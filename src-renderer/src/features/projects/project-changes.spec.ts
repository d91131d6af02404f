import { describe, expect, it } from 'vitest'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { applyServiceChange, upsertServices } from './project-changes'

const service = (id: string, name: string, state: ServiceSummary['status']['state'] = 'running'): ServiceSummary =>
  ({ id, projectId: 'p', hostId: 'h', spec: { name }, status: { state } }) as ServiceSummary

describe('project changes', () => {
  const list = [service('s1', 'api'), service('s2', 'web')]

  it('replaces, adds and removes the service a push names', () => {
    expect(
      applyServiceChange(list, { projectId: 'p', serviceId: 's1', service: service('s1', 'api', 'exited') }),
    ).toMatchObject([{ id: 's1', status: { state: 'exited' } }, { id: 's2' }])
    expect(
      applyServiceChange(list, { projectId: 'p', serviceId: 's3', service: service('s3', 'db') })?.map((s) => s.id),
    ).toEqual(['s1', 's3', 's2'])
    expect(applyServiceChange(list, { projectId: 'p', serviceId: 's2', service: null })?.map((s) => s.id)).toEqual([
      's1',
    ])
  })

  it('asks for a refetch when the push does not carry the service', () => {
    expect(applyServiceChange(list, { projectId: 'p' })).toBeNull()
    expect(applyServiceChange(list, { projectId: 'p', serviceId: 's1' })).toBeNull()
  })

  it('merges answered summaries by id, sorted by name', () => {
    expect(upsertServices(list, [service('s0', 'zeta'), service('s2', 'web', 'exited')]).map((s) => s.id)).toEqual([
      's1',
      's2',
      's0',
    ])
  })
})
