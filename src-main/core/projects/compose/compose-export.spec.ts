import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { ServiceSpec } from '../../../../src-preload/contract/projects'
import { exportCompose } from './compose-export'
import { serviceSpec } from './compose-test-support'

/** A spec with an image, the field a service needs at the least. */
const spec = (name: string, fields: Partial<ServiceSpec> = {}): ServiceSpec =>
  serviceSpec(name, { image: 'nginx:1.25', ...fields })

describe('exportCompose', () => {
  it('writes every field in compose syntax, with the names glinrdock gives containers, volumes and the network', () => {
    const yaml = exportCompose('shop', [
      spec('api', {
        image: 'ghcr.io/acme/api:1.2',
        command: ['node', 'server.js'],
        entrypoint: ['/usr/bin/tini', '--'],
        env: [
          { key: 'DB_PASSWORD', value: null, secret: true },
          { key: 'MODE', value: 'production', secret: false },
        ],
        ports: [
          { container: 3000, host: 3000, protocol: 'tcp' },
          { container: 53, host: 5353, protocol: 'udp', hostIp: '127.0.0.1' },
          { container: 9229, protocol: 'tcp' },
          { container: 9230, protocol: 'udp' },
        ],
        volumes: [
          { type: 'volume', source: 'shop_data', target: '/data', readOnly: false },
          { type: 'bind', source: '/srv/static', target: '/static', readOnly: true },
          { type: 'volume', target: '/cache', readOnly: false },
        ],
        restart: { policy: 'on-failure', maxRetries: 3 },
        healthcheck: { type: 'http', port: 3000, path: '/healthz', interval: '30s', retries: 3, startPeriod: '5s' },
        resources: { memoryBytes: 512 * 1024 ** 2, cpus: 0.5 },
        user: '1000',
        labels: { 'traefik.enable': 'true' },
        dependsOn: ['db'],
      }),
      spec('db', {
        image: 'postgres:16',
        restart: { policy: 'no' },
        healthcheck: { type: 'command', command: ['pg_isready'], timeout: '5s' },
      }),
    ])
    expect(yaml).toBe(`# glinrdock project shop.
# Secrets are written as \${NAME} references, never their values: set each one in the environment
# (or in an .env file next to this one) before running docker compose.

services:
  api:
    image: ghcr.io/acme/api:1.2
    container_name: shop-api
    command:
      - node
      - server.js
    entrypoint:
      - /usr/bin/tini
      - --
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
      MODE: production
    ports:
      - target: 3000
        published: 3000
        protocol: tcp
      - 127.0.0.1:5353:53/udp
    expose:
      - "9229"
      - 9230/udp
    volumes:
      - type: volume
        source: shop_data
        target: /data
        read_only: false
      - type: bind
        source: /srv/static
        target: /static
        read_only: true
      - type: volume
        target: /cache
        read_only: false
    restart: on-failure:3
    healthcheck:
      test:
        - CMD
        - wget
        - -q
        - --spider
        - http://127.0.0.1:3000/healthz
      interval: 30s
      retries: 3
      start_period: 5s
    deploy:
      resources:
        limits:
          cpus: "0.5"
          memory: 512m
    labels:
      traefik.enable: "true"
    user: "1000"
    depends_on:
      - db
  db:
    image: postgres:16
    container_name: shop-db
    restart: "no"
    healthcheck:
      test:
        - CMD
        - pg_isready
      timeout: 5s
volumes:
  shop_data:
    name: shop_data
networks:
  default:
    name: glinrdock-shop
`)
  })

  it('never writes a secret value, only a reference to the variable of its name', () => {
    const yaml = exportCompose('p', [
      spec('app', { env: [{ key: 'API_TOKEN', value: 'leaked-if-written', secret: true }] }),
    ])
    expect(yaml).not.toContain('leaked-if-written')
    expect(parse(yaml).services.app.environment).toEqual({ API_TOKEN: '${API_TOKEN}' })
  })

  it('doubles every $ in values so compose substitutes nothing', () => {
    const yaml = exportCompose('p', [
      spec('app', {
        command: ['sh', '-c', 'echo $HOME'],
        env: [{ key: 'PRICE', value: '${NOT_A_VAR}$5', secret: false }],
        labels: { cost: '$1' },
        healthcheck: { type: 'command', command: ['test', '$X'] },
      }),
    ])
    const app = parse(yaml).services.app
    expect(app.command).toEqual(['sh', '-c', 'echo $$HOME'])
    expect(app.environment).toEqual({ PRICE: '$${NOT_A_VAR}$$5' })
    expect(app.labels).toEqual({ cost: '$$1' })
    expect(app.healthcheck.test).toEqual(['CMD', 'test', '$$X'])
  })

  it('quotes strings that YAML 1.1 (docker-compose 1.29) would read as something else', () => {
    const tricky = [
      'no',
      'yes',
      'on',
      'off',
      'y',
      '~',
      'null',
      '',
      '0755',
      '1e3',
      '.5',
      '22:22',
      '=',
      '<<',
      '2001-12-14',
      '1_000',
      '0x1f',
    ]
    const yaml = exportCompose('p', [
      spec('app', {
        env: tricky.map((value, i) => ({ key: `V${i}`, value, secret: false })),
        user: '1000:50',
      }),
    ])
    const app = parse(yaml, { version: '1.1' }).services.app
    expect(Object.values(app.environment)).toEqual(tricky)
    expect(app.user).toBe('1000:50')
    expect(yaml).toContain('"="')
    expect(yaml).toContain('"<<"')
  })

  it('writes git services with their source, and a build only for URLs docker-compose takes as a context', () => {
    const https = { url: 'https://github.com/acme/app.git', ref: 'v1.2', context: 'svc', dockerfile: 'Dockerfile.prod' }
    const ssh = { url: 'ssh://git@github.com/acme/app.git', ref: 'main' }
    const services = parse(
      exportCompose('p', [spec('a', { image: null, git: https }), spec('b', { image: null, git: ssh })]),
    ).services
    expect(services.a).toMatchObject({
      'x-glinrdock-git': https,
      build: { context: 'https://github.com/acme/app.git#v1.2:svc', dockerfile: 'Dockerfile.prod' },
    })
    expect(services.a.image).toBeUndefined()
    expect(services.b['x-glinrdock-git']).toEqual(ssh)
    expect(services.b.build).toBeUndefined()
  })

  it('writes an empty project as a file with no services and its network', () => {
    expect(parse(exportCompose('empty', []))).toEqual({
      services: {},
      networks: { default: { name: 'glinrdock-empty' } },
    })
  })
})
