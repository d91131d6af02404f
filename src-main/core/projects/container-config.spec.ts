import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AppError } from '../shared/app-error'
import { canonicalJson, durationToNanos, nanosToDuration, planContainer, specHash } from './container-config'
import type { ProjectRef, ResolvedSpec } from './service-spec'
import { resolvedWebSpec } from './spec-test-support'

const project: ProjectRef = { id: 'p00000000001', name: 'shop' }
const SERVICE = 's00000000001'

const spec = resolvedWebSpec

const full = (): ResolvedSpec =>
  spec({
    command: ['nginx', '-g', 'daemon off;'],
    entrypoint: ['/docker-entrypoint.sh'],
    env: [
      { key: 'MODE', value: 'prod', secret: false },
      { key: 'DB_PASSWORD', value: 'hunter2', secret: true },
    ],
    ports: [
      { container: 80, host: 8080, protocol: 'tcp' },
      { container: 80, host: 8443, protocol: 'tcp', hostIp: '127.0.0.1' },
      { container: 53, host: 5353, protocol: 'udp' },
      { container: 9000, protocol: 'tcp' },
    ],
    volumes: [
      { type: 'volume', source: 'shop-data', target: '/var/lib/data', readOnly: false },
      { type: 'volume', target: '/cache', readOnly: false },
      { type: 'bind', source: '/srv/site', target: '/usr/share/nginx/html', readOnly: true },
    ],
    restart: { policy: 'on-failure', maxRetries: 5 },
    healthcheck: {
      type: 'http',
      path: '/healthz',
      port: 80,
      interval: '1m30s',
      timeout: '5s',
      retries: 3,
      startPeriod: '500ms',
    },
    resources: { memoryBytes: 256 * 1024 * 1024, cpus: 1.5 },
    user: '101:101',
    labels: { 'com.example.team': 'shop' },
    dependsOn: ['db'],
    autoDeploy: true,
  })

describe('durationToNanos', () => {
  it.each([
    ['30s', 30e9],
    ['1m30s', 90e9],
    ['500ms', 5e8],
    ['1.5s', 1.5e9],
    ['1.1s', 1_100_000_000],
    ['2h45m', (2 * 3600 + 45 * 60) * 1e9],
    ['10us', 10_000],
    ['10µs', 10_000],
    ['7ns', 7],
    ['1.0000000019s', 1_000_000_001],
  ])('reads the Go duration %s', (text, nanos) => {
    expect(durationToNanos(text)).toBe(nanos)
  })

  it.each(['', '30', 's', '1x', '-1s', '1s ', ' 1s', '1.s', '99999999999h'])('refuses %j', (text) => {
    expect(() => durationToNanos(text)).toThrow(AppError)
  })
})

describe('nanosToDuration', () => {
  it.each([
    [30e9, '30s'],
    [90e9, '1m30s'],
    [7200e9, '2h'],
    [1.5e9, '1.5s'],
    [5e8, '500ms'],
    [1_500, '1.5us'],
    [3, '3ns'],
    [3661.5e9, '1h1m1.5s'],
    [0, '0s'],
  ])('writes %d nanoseconds as %s', (nanos, text) => {
    expect(nanosToDuration(nanos)).toBe(text)
  })

  it('writes what durationToNanos reads back to the same nanoseconds', () => {
    for (const nanos of [1, 999, 1_000_001, 59_999_999_999, 86_400e9 + 1, 123_456_789_012_345])
      expect(durationToNanos(nanosToDuration(nanos))).toBe(nanos)
  })
})

describe('planContainer', () => {
  it('maps every field of a spec to the create body', () => {
    const plan = planContainer(project, SERVICE, full())
    expect(plan.name).toBe('shop-web')
    expect(plan.body).toEqual({
      Image: 'nginx:1.27',
      Cmd: ['nginx', '-g', 'daemon off;'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Env: ['DB_PASSWORD=hunter2', 'MODE=prod'],
      User: '101:101',
      Labels: {
        'com.example.team': 'shop',
        'io.glinrdock.project': project.id,
        'io.glinrdock.service': SERVICE,
        'io.glinrdock.spec-hash': plan.specHash,
      },
      ExposedPorts: { '80/tcp': {}, '53/udp': {}, '9000/tcp': {} },
      Healthcheck: {
        Test: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:80/healthz'],
        Interval: 90e9,
        Timeout: 5e9,
        StartPeriod: 5e8,
        Retries: 3,
      },
      HostConfig: {
        PortBindings: {
          '80/tcp': [
            { HostIp: '', HostPort: '8080' },
            { HostIp: '127.0.0.1', HostPort: '8443' },
          ],
          '53/udp': [{ HostIp: '', HostPort: '5353' }],
        },
        Mounts: [
          { Type: 'volume', Target: '/cache', ReadOnly: false },
          { Type: 'bind', Source: '/srv/site', Target: '/usr/share/nginx/html', ReadOnly: true },
          { Type: 'volume', Source: 'shop-data', Target: '/var/lib/data', ReadOnly: false },
        ],
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
        Memory: 256 * 1024 * 1024,
        NanoCpus: 1_500_000_000,
        NetworkMode: 'glinrdock-shop',
      },
      NetworkingConfig: { EndpointsConfig: { 'glinrdock-shop': { Aliases: ['web'] } } },
    })
  })

  it('leaves out what the spec leaves to the image or the engine', () => {
    const { body } = planContainer(project, SERVICE, spec())
    expect(Object.keys(body).sort()).toEqual([
      'Env',
      'ExposedPorts',
      'HostConfig',
      'Image',
      'Labels',
      'NetworkingConfig',
    ])
    expect(Object.keys(body.HostConfig as object).sort()).toEqual([
      'Mounts',
      'NetworkMode',
      'PortBindings',
      'RestartPolicy',
    ])
  })

  it('runs a command health check as an argument vector, with the engine defaults for unset timings', () => {
    const { body } = planContainer(
      project,
      SERVICE,
      spec({ healthcheck: { type: 'command', command: ['pg_isready', '-U', 'app'] } }),
    )
    expect(body.Healthcheck).toEqual({ Test: ['CMD', 'pg_isready', '-U', 'app'] })
  })

  it('probes / when an HTTP health check names no path', () => {
    const { body } = planContainer(project, SERVICE, spec({ healthcheck: { type: 'http', port: 3000 } }))
    expect((body.Healthcheck as { Test: string[] }).Test.at(-1)).toBe('http://127.0.0.1:3000/')
  })

  it('sends a retry count only with on-failure, which is the only policy the engine takes one with', () => {
    const { body } = planContainer(project, SERVICE, spec({ restart: { policy: 'always', maxRetries: 4 } }))
    expect((body.HostConfig as Record<string, unknown>).RestartPolicy).toEqual({ Name: 'always', MaximumRetryCount: 0 })
  })

  it('gives the engine whole nanoseconds of CPU', () => {
    const { body } = planContainer(project, SERVICE, spec({ resources: { cpus: 0.3 } }))
    expect((body.HostConfig as Record<string, unknown>).NanoCpus).toBe(300_000_000)
  })

  it('refuses a service that has no image yet, which still has a hash', () => {
    expect(() => planContainer(project, SERVICE, spec({ image: null }))).toThrow(
      expect.objectContaining({ code: 'validation', field: 'image' }),
    )
    const git = { url: 'https://example.com/shop.git', ref: 'main' }
    expect(specHash(project, SERVICE, spec({ image: null, git }))).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('specHash', () => {
  it('is the sha256 of the canonical body without the hash label, which planContainer then adds', () => {
    const plan = planContainer(project, SERVICE, full())
    const labels = { ...(plan.body.Labels as Record<string, string>) }
    delete labels['io.glinrdock.spec-hash']
    const expected = createHash('sha256')
      .update(canonicalJson({ ...plan.body, Labels: labels }))
      .digest('hex')
    expect(plan.specHash).toMatch(/^[0-9a-f]{64}$/)
    expect(plan.specHash).toBe(expected)
    expect(specHash(project, SERVICE, full())).toBe(plan.specHash)
  })

  it('does not change when labels, env, ports or volumes are only reordered', () => {
    const base = full()
    const reordered: ResolvedSpec = {
      ...base,
      labels: { b: '2', a: '1' },
      env: [...base.env].reverse(),
      ports: [...base.ports].reverse(),
      volumes: [...base.volumes].reverse(),
    }
    expect(specHash(project, SERVICE, reordered)).toBe(
      specHash(project, SERVICE, { ...base, labels: { a: '1', b: '2' } }),
    )
  })

  it('ignores what does not reach the container: autoDeploy, dependsOn, the secret flag and duration spelling', () => {
    const base = full()
    const same: ResolvedSpec = {
      ...base,
      autoDeploy: !base.autoDeploy,
      dependsOn: ['cache', 'queue'],
      env: base.env.map((v) => ({ ...v, secret: !v.secret })),
      healthcheck: { ...base.healthcheck!, interval: '90s' },
    }
    expect(specHash(project, SERVICE, same)).toBe(specHash(project, SERVICE, base))
  })

  it.each<[string, (s: ResolvedSpec) => ResolvedSpec]>([
    ['the image', (s) => ({ ...s, image: 'nginx:1.28' })],
    ['an env value', (s) => ({ ...s, env: [{ key: 'MODE', value: 'dev', secret: false }] })],
    ['a host port', (s) => ({ ...s, ports: [{ container: 80, host: 8081, protocol: 'tcp' }] })],
    ['a mount becoming read-only', (s) => ({ ...s, volumes: s.volumes.map((v) => ({ ...v, readOnly: true })) })],
    ['the restart policy', (s) => ({ ...s, restart: { policy: 'always' } })],
    ['the memory limit', (s) => ({ ...s, resources: { memoryBytes: 128 * 1024 * 1024 } })],
    ['a user label', (s) => ({ ...s, labels: { 'com.example.team': 'ops' } })],
    ['the service name (its alias)', (s) => ({ ...s, name: 'api' })],
  ])('changes with %s', (_what, change) => {
    expect(specHash(project, SERVICE, change(full()))).not.toBe(specHash(project, SERVICE, full()))
  })

  it('differs between projects and services with the same spec', () => {
    const hash = specHash(project, SERVICE, full())
    expect(specHash({ ...project, id: 'p00000000002' }, SERVICE, full())).not.toBe(hash)
    expect(specHash(project, 's00000000002', full())).not.toBe(hash)
    expect(specHash({ ...project, name: 'other' }, SERVICE, full())).not.toBe(hash)
  })
})

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }, 3], a: { z: null, y: 'x' }, u: undefined })).toBe(
      '{"a":{"y":"x","z":null},"b":[{"c":2,"d":1},3]}',
    )
  })
})
