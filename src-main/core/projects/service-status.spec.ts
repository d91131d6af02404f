import { describe, expect, it } from 'vitest'
import type { ServiceRecord } from './project-store'
import { observationFromInspect, pickContainer, serviceStatus, type ContainerObservation } from './service-status'

const record = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 'svc000000001',
  projectId: 'prj000000001',
  name: 'web',
  spec: {} as ServiceRecord['spec'],
  sealedEnv: '',
  specHash: 'hash-now',
  origin: 'created',
  desiredState: 'running',
  containerId: 'c1',
  appliedHash: 'hash-now',
  release: null,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  ...over,
})

const container = (over: Partial<ContainerObservation> = {}): ContainerObservation => ({
  id: 'c1',
  name: 'p-web',
  status: 'running',
  health: null,
  exitCode: null,
  startedAt: '2026-12-01T00:00:01Z',
  imageId: 'sha256:abc',
  imageDigest: null,
  labels: { 'io.glinrdock.spec-hash': 'hash-now' },
  createdAt: '2026-12-01T00:00:00Z',
  ...over,
})

const kinds = (status: ReturnType<typeof serviceStatus>) => status.drift.map((d) => d.kind)

describe('serviceStatus', () => {
  it('shows a service never deployed as missing without drift', () => {
    const status = serviceStatus(record({ appliedHash: null, containerId: null, desiredState: 'stopped' }), {
      container: null,
      live: true,
    })
    expect(status).toMatchObject({ state: 'missing', containerId: null, drift: [] })
  })

  it('runs clean when the container carries the spec hash and runs', () => {
    const status = serviceStatus(record(), { container: container(), live: true })
    expect(status).toMatchObject({ state: 'running', containerId: 'c1', drift: [], live: true })
  })

  it('reports each kind of drift', () => {
    expect(kinds(serviceStatus(record({ specHash: 'edited' }), { container: container(), live: true }))).toEqual([
      'spec_changed',
    ])
    expect(
      kinds(serviceStatus(record(), { container: container({ status: 'exited', exitCode: 137 }), live: true })),
    ).toEqual(['stopped'])
    expect(kinds(serviceStatus(record(), { container: null, live: true }))).toEqual(['removed'])
    expect(kinds(serviceStatus(record(), { container: container({ id: 'c2' }), live: true }))).toEqual(['replaced'])
  })

  it('does not call the container of a deployment in progress a replacement', () => {
    const swapping = container({
      id: 'c2',
      labels: { 'io.glinrdock.spec-hash': 'hash-now', 'io.glinrdock.deployment': 'd00000000001' },
    })
    expect(kinds(serviceStatus(record(), { container: swapping, live: true }))).toEqual([])
  })

  it('reports no drift for a container stopped through glinrdock, nor a removal it cannot see', () => {
    const stopped = record({ desiredState: 'stopped' })
    expect(
      serviceStatus(stopped, { container: container({ status: 'exited', exitCode: 0 }), live: true }).drift,
    ).toEqual([])
    expect(serviceStatus(record(), { container: null, live: false })).toMatchObject({ state: 'missing', drift: [] })
  })

  it('compares an adopted container (no hash label) with the hash recorded at adoption', () => {
    const adopted = record({ origin: 'adopted' })
    expect(serviceStatus(adopted, { container: container({ labels: {} }), live: true }).drift).toEqual([])
    expect(
      kinds(serviceStatus({ ...adopted, specHash: 'edited' }, { container: container({ labels: {} }), live: true })),
    ).toEqual(['spec_changed'])
  })

  it('maps engine states and health', () => {
    const state = (over: Partial<ContainerObservation>) =>
      serviceStatus(record(), { container: container(over), live: true }).state
    expect(state({ health: 'unhealthy' })).toBe('unhealthy')
    expect(state({ health: 'healthy' })).toBe('running')
    expect(state({ status: 'restarting' })).toBe('restarting')
    expect(state({ status: 'paused' })).toBe('paused')
    expect(state({ status: 'created' })).toBe('created')
    expect(state({ status: 'dead' })).toBe('exited')
  })
})

describe('observationFromInspect', () => {
  it('reads state, health, exit code and start time, ignoring the zero time', () => {
    const o = observationFromInspect(
      {
        Id: 'abc',
        Name: '/p-web',
        Image: 'sha256:1',
        Created: '2026-12-01T00:00:00Z',
        State: { Status: 'exited', ExitCode: 2, StartedAt: '0001-01-01T00:00:00Z', Health: { Status: 'unhealthy' } },
        Config: { Labels: null },
      },
      'reg/x@sha256:2',
    )
    expect(o).toMatchObject({
      id: 'abc',
      name: 'p-web',
      status: 'exited',
      exitCode: 2,
      startedAt: null,
      health: 'unhealthy',
      imageDigest: 'reg/x@sha256:2',
      labels: {},
    })
  })
})

describe('pickContainer', () => {
  it('prefers the recorded running container, then a running one, then the newest', () => {
    const a = container({ id: 'a', createdAt: '1' })
    const b = container({ id: 'b', createdAt: '2', status: 'exited' })
    const c = container({ id: 'c', createdAt: '3' })
    expect(pickContainer([a, b, c], 'a')!.id).toBe('a')
    expect(pickContainer([a, b, c], 'b')!.id).toBe('c')
    expect(pickContainer([b], null)!.id).toBe('b')
    expect(pickContainer([], 'a')).toBeNull()
  })
})
