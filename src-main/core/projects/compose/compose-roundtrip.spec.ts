import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceSpec } from '../../../../src-preload/contract/projects'
import type { ServiceDraft } from '../service-spec'
import { exportCompose } from './compose-export'
import { importCompose } from './compose-import'
import { serviceSpec } from './compose-test-support'
import { interpolate } from './compose-units'

const DOCKER_COMPOSE = '/usr/bin/docker-compose'
/** The interpreter docker-compose runs on, with its PyYAML. */
const PYTHON = '/usr/bin/python3'
const PROJECT = 'shop'

/** Values YAML 1.1, compose interpolation or a shell would read as something else. */
const TRICKY = [
  'no',
  'yes',
  'on',
  '~',
  'null',
  '',
  '0755',
  '1e3',
  '22:22',
  '=',
  '<<',
  '$HOME',
  '${X}',
  '$$',
  'a #b',
  'two\nlines',
  'ünï',
]

const SPECS: ServiceSpec[] = [
  serviceSpec('web', {
    image: 'ghcr.io/acme/web:1.2.3',
    command: ['nginx', '-g', 'daemon off;', '$1'],
    entrypoint: ['/docker-entrypoint.sh'],
    env: [
      { key: 'DB_PASSWORD', value: null, secret: true },
      ...TRICKY.map((value, i) => ({ key: `TRICKY_${i}`, value, secret: false })),
    ],
    ports: [
      { container: 80, host: 8080, protocol: 'tcp' },
      { container: 443, host: 8443, protocol: 'tcp', hostIp: '127.0.0.1' },
      { container: 53, host: 5353, protocol: 'udp', hostIp: '::1' },
      { container: 9229, protocol: 'tcp' },
      { container: 9230, protocol: 'udp' },
    ],
    volumes: [
      { type: 'volume', source: 'shop_static', target: '/usr/share/nginx/html', readOnly: true },
      { type: 'bind', source: '/etc/letsencrypt', target: '/etc/letsencrypt', readOnly: true },
      { type: 'volume', target: '/var/cache/nginx', readOnly: false },
    ],
    restart: { policy: 'on-failure', maxRetries: 3 },
    healthcheck: {
      type: 'http',
      port: 80,
      path: '/healthz',
      interval: '30s',
      timeout: '1m30s',
      retries: 3,
      startPeriod: '500ms',
    },
    resources: { memoryBytes: 512 * 1024 ** 2, cpus: 0.5 },
    user: '1000:50',
    labels: { 'traefik.enable': 'true', 'traefik.http.routers.web.rule': 'Host(`shop.example.com`)', cost: '$5' },
    dependsOn: ['db', 'api'],
  }),
  serviceSpec('db', {
    image: 'postgres:16-alpine',
    env: [
      { key: 'POSTGRES_USER', value: 'shop', secret: false },
      { key: 'POSTGRES_PASSWORD', value: null, secret: true },
    ],
    volumes: [{ type: 'volume', source: 'shop-db-data', target: '/var/lib/postgresql/data', readOnly: false }],
    healthcheck: { type: 'command', command: ['/bin/sh', '-c', 'pg_isready -U "$POSTGRES_USER"'], interval: '10s' },
    resources: { memoryBytes: 6 * 1024 ** 2 + 1 },
  }),
  serviceSpec('api', {
    git: {
      url: 'https://github.com/acme/api.git',
      ref: 'v2.0.1',
      context: 'services/api',
      dockerfile: 'Dockerfile.prod',
    },
    env: [{ key: 'API_TOKEN', value: null, secret: true }],
    ports: [{ container: 3000, host: 3000, protocol: 'tcp' }],
    restart: { policy: 'always' },
    resources: { cpus: 2 },
    dependsOn: ['db'],
  }),
  serviceSpec('worker', { image: 'ghcr.io/acme/api:2.0.1', command: ['node', 'worker.js'], restart: { policy: 'no' } }),
  serviceSpec('once', { image: 'busybox', restart: { policy: 'on-failure' }, user: 'app' }),
]

/** What a spec is as a create input: secrets without their values, bind mounts confirmed. */
const toDraft = (service: ServiceSpec): ServiceDraft => ({
  ...service,
  env: service.env.map((variable) =>
    variable.secret
      ? { key: variable.key, secret: true }
      : { key: variable.key, value: variable.value!, secret: false },
  ),
  volumes: service.volumes.map((volume) =>
    volume.type === 'bind'
      ? { type: 'bind', source: volume.source!, target: volume.target, readOnly: volume.readOnly, confirmBind: true }
      : { ...volume, type: 'volume' as const },
  ),
  // The stored shape is the schema's output with the union flattened; these specs hold valid checks.
  healthcheck: service.healthcheck as ServiceDraft['healthcheck'],
})

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-compose-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `docker-compose config` on the text, with no variables set: it validates and normalises without an engine. */
function composeConfig(yaml: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, 'docker-compose.yml')
  writeFileSync(file, yaml)
  const result = spawnSync(DOCKER_COMPOSE, ['-f', file, '--project-directory', dir, '-p', PROJECT, 'config'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    timeout: 30_000,
  })
  if (result.error) throw result.error
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** YAML read by PyYAML, the loader docker-compose 1.29 itself uses (its YAML 1.1 differs from any JS library's). */
function pyYaml(text: string): any {
  const result = spawnSync(PYTHON, ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: text,
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(result.stderr)
  return JSON.parse(result.stdout)
}

describe('compose export and import round trip', () => {
  const yaml = exportCompose(PROJECT, SPECS)
  let accepted: ReturnType<typeof composeConfig>
  beforeAll(() => {
    accepted = composeConfig(yaml)
  })

  it('writes a file docker-compose 1.29 accepts with the secrets unset, only warning about them', () => {
    const { status, stdout, stderr } = accepted
    expect(status, stderr).toBe(0)
    for (const name of ['DB_PASSWORD', 'POSTGRES_PASSWORD', 'API_TOKEN'])
      expect(stderr).toContain(`The ${name} variable is not set. Defaulting to a blank string.`)

    const config = pyYaml(stdout)
    expect(config.networks).toEqual({ default: { name: 'glinrdock-shop' } })
    expect(config.volumes).toEqual({ shop_static: { name: 'shop_static' }, 'shop-db-data': { name: 'shop-db-data' } })
    expect(config.services.web.container_name).toBe('shop-web')
    expect(config.services.web.environment.DB_PASSWORD).toBe('')
    expect(config.services.web.user).toBe('1000:50')
    expect(config.services.web.restart).toBe('on-failure:3')
    expect(config.services.api.build).toEqual({
      context: 'https://github.com/acme/api.git#v2.0.1:services/api',
      dockerfile: 'Dockerfile.prod',
    })
    expect(config.services.worker.restart).toBe('no')
  })

  it('keeps every literal value as written through compose, $ included', () => {
    const { stdout } = accepted
    // compose prints what it read with every `$` escaped again; unescaped, it is what the container would get.
    const web = pyYaml(stdout).services.web
    const literal = (value: string): string => interpolate(value).value
    expect(TRICKY.map((_, i) => literal(web.environment[`TRICKY_${i}`]))).toEqual(TRICKY)
    expect(web.command.map(literal)).toEqual(['nginx', '-g', 'daemon off;', '$1'])
    expect(literal(web.labels.cost)).toBe('$5')
    expect(web.labels['traefik.http.routers.web.rule']).toBe('Host(`shop.example.com`)')
  })

  it('imports its own export back to the same specs, warning only that secret values must be set', () => {
    const { drafts, warnings } = importCompose(yaml, { projectName: PROJECT, confirmBinds: true, envFiles: {} })
    expect(drafts).toEqual(SPECS.map(toDraft))
    expect(warnings.map((warning) => warning.path)).toEqual([
      'services.web.environment.DB_PASSWORD',
      'services.db.environment.POSTGRES_PASSWORD',
      'services.api.environment.API_TOKEN',
    ])
  })

  it('is refused by docker-compose when broken, so the checks above mean something', () => {
    const { status, stderr } = composeConfig(yaml.replace('container_name: shop-web', 'container_nam: shop-web'))
    expect(status).not.toBe(0)
    expect(stderr).toContain("Unsupported config option for services.web: 'container_nam'")
  })
})
