import { describe, expect, it } from 'vitest'
import type { ServiceSpec } from '../../../../src-preload/contract/projects'
import { serverFieldPath, validateService } from './service-form-input'
import { emptyEnvRow, emptyServiceValues, valuesFromSpec, type ServiceFormValues } from './service-form-values'

const PROJECT = 'proj00000001'
const create = { kind: 'create', projectId: PROJECT } as const
const form = (changes: Partial<ServiceFormValues>): ServiceFormValues => ({
  ...emptyServiceValues(),
  name: 'web',
  image: 'busybox:latest',
  ...changes,
})

const stored: ServiceSpec = {
  name: 'api',
  image: 'team/api:1',
  git: null,
  command: ['sh', '-c', 'echo hi; sleep 9'],
  entrypoint: null,
  env: [
    { key: 'MODE', value: 'prod', secret: false },
    { key: 'TOKEN', value: null, secret: true },
  ],
  ports: [{ container: 80, host: 8080, protocol: 'tcp' }],
  volumes: [{ type: 'bind', source: '/srv/data', target: '/data', readOnly: true }],
  restart: { policy: 'on-failure', maxRetries: 3 },
  healthcheck: { type: 'http', path: '/health', port: 80, interval: '10s' },
  resources: { memoryBytes: 256 * 1024 * 1024, cpus: 0.5 },
  user: '1000:1000',
  labels: { tier: 'web' },
  dependsOn: ['db'],
  autoDeploy: false,
}
const edit = { kind: 'edit', projectId: PROJECT, id: 'serv00000001', original: stored } as const

describe('service form', () => {
  it('builds the create input the contract takes from what was typed', () => {
    const { input, errors } = validateService(
      form({
        command: `sh -c 'echo hello-from-service; httpd -f -p 8080'`,
        env: [{ key: 'A', value: '1', secret: false, kept: false }, emptyEnvRow()],
        ports: [{ container: '8080', host: '18080', protocol: 'tcp', hostIp: '' }],
        resources: { memoryMiB: '64', cpus: '1.5' },
      }),
      create,
    )
    expect(errors).toEqual({})
    expect(input).toMatchObject({
      kind: 'create',
      input: {
        projectId: PROJECT,
        name: 'web',
        image: 'busybox:latest',
        git: null,
        command: ['sh', '-c', 'echo hello-from-service; httpd -f -p 8080'],
        env: [{ key: 'A', value: '1', secret: false }],
        ports: [{ container: 8080, host: 18080, protocol: 'tcp' }],
        resources: { memoryBytes: 64 * 1024 * 1024, cpus: 1.5 },
        healthcheck: null,
        user: null,
      },
    })
  })

  it('puts each rule of the schema on the row and field it is about, blank rows not counted', () => {
    const { input, errors } = validateService(
      form({
        name: 'Web!',
        command: `sh -c 'unclosed`,
        env: [
          { key: 'A', value: '1', secret: false, kept: false },
          emptyEnvRow(),
          { key: '1X', value: '2', secret: false, kept: false },
        ],
        ports: [
          { container: '', host: '', protocol: 'tcp', hostIp: '' },
          { container: '80', host: '70000', protocol: 'tcp', hostIp: '' },
          { container: 'http', host: '', protocol: 'udp', hostIp: '' },
        ],
        volumes: [{ type: 'bind', source: '/etc', target: '/host-etc', readOnly: false, confirmBind: false }],
        labels: [
          { key: 'io.glinrdock.project', value: 'x' },
          { key: 'tier', value: 'a' },
          { key: 'tier', value: 'b' },
        ],
        resources: { memoryMiB: '2', cpus: '' },
      }),
      create,
    )
    expect(input).toBeNull()
    expect(errors).toMatchObject({
      name: expect.stringContaining('lowercase'),
      command: expect.stringContaining('not closed'),
      'env.2.key': expect.stringContaining('Not an environment variable name'),
      'ports.1.host': 'A port from 1 to 65535',
      'ports.2.container': 'Enter a whole number',
      'volumes.0.confirmBind': expect.stringContaining('Confirm'),
      'labels.0.key': 'Labels under io.glinrdock. are reserved',
      'labels.2.key': 'tier is set twice',
      'resources.memoryMiB': 'At least 6 MiB',
    })
    expect(errors['ports.0.container']).toBeUndefined()
  })

  it('asks for an image or a git source', () => {
    expect(validateService(form({ image: '' }), create).errors).toEqual({ image: 'Image is required' })
    const git = validateService(
      form({ source: 'git', git: { ...emptyServiceValues().git, url: 'https://example.com/app.git', ref: 'main' } }),
      create,
    )
    expect(git.input?.input).toMatchObject({ image: null, git: { url: 'https://example.com/app.git', ref: 'main' } })
  })

  it('reads build arguments, stage and polling into the git source, and round-trips them', () => {
    const gitValues = {
      ...emptyServiceValues().git,
      url: '/srv/repos/app.git',
      target: 'runtime',
      buildArgs: 'NODE_ENV=production\n# a comment\nGREETING=a=b\n',
      poll: true,
      pollIntervalSeconds: '30',
    }
    const result = validateService(form({ source: 'git', git: gitValues }), create)
    expect(result.errors).toEqual({})
    const git = result.input?.kind === 'create' ? result.input.input.git : null
    expect(git).toMatchObject({
      url: '/srv/repos/app.git',
      target: 'runtime',
      buildArgs: { NODE_ENV: 'production', GREETING: 'a=b' },
      poll: true,
      pollIntervalSeconds: 30,
    })
    const spec = { ...stored, image: null, git: git as NonNullable<ServiceSpec['git']> }
    const edit = { kind: 'edit', projectId: PROJECT, id: 'serv00000001', original: spec } as const
    expect(validateService(valuesFromSpec(spec), edit).input).toMatchObject({ changed: [] })
  })

  it('puts a bad build argument line and a poll interval out of range on their fields', () => {
    const gitValues = {
      ...emptyServiceValues().git,
      url: 'https://example.com/app.git',
      buildArgs: 'OK=1\njust-a-word',
      poll: true,
      pollIntervalSeconds: '5',
    }
    expect(validateService(form({ source: 'git', git: gitValues }), create).errors).toMatchObject({
      'git.buildArgs': 'Line 2: write KEY=value',
      'git.pollIntervalSeconds': 'From 15 to 86400 seconds',
    })
  })

  it('reads a stored spec back unchanged, so an untouched edit sends nothing but the id', () => {
    const values = valuesFromSpec(stored)
    expect(values.env[1]).toEqual({ key: 'TOKEN', value: '', secret: true, kept: true })
    expect(values.resources.memoryMiB).toBe('256')
    expect(values.command).toBe(`sh -c 'echo hi; sleep 9'`)
    expect(validateService(values, edit)).toEqual({
      input: { kind: 'edit', input: { id: 'serv00000001' }, changed: [] },
      errors: {},
    })
  })

  it('sends the whole env list on edit, a kept secret without its value', () => {
    const values = valuesFromSpec(stored)
    values.env[0]!.value = 'staging'
    values.env.push({ key: 'NEW_SECRET', value: 's3cret', secret: true, kept: false })
    const { input } = validateService(values, edit)
    expect(input).toEqual({
      kind: 'edit',
      changed: ['env'],
      input: {
        id: 'serv00000001',
        env: [
          { key: 'MODE', value: 'staging', secret: false },
          { key: 'TOKEN', secret: true },
          { key: 'NEW_SECRET', value: 's3cret', secret: true },
        ],
      },
    })
  })

  it('maps a server field back to the row it came from', () => {
    const values = form({
      env: [emptyEnvRow(), { key: 'A', value: '1', secret: false, kept: false }],
      labels: [{ key: 'tier', value: 'x' }],
    })
    expect(serverFieldPath('env.0.key', values)).toBe('env.1.key')
    expect(serverFieldPath('resources.memoryBytes', values)).toBe('resources.memoryMiB')
    expect(serverFieldPath('labels.tier', values)).toBe('labels.0.value')
    expect(serverFieldPath('command.2', values)).toBe('command')
    expect(serverFieldPath('projectId', values)).toBe('root')
    expect(serverFieldPath(undefined, values)).toBe('root')
  })
})
