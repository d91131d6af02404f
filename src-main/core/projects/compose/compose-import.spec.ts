import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { CreateServiceInput } from '../../../../src-preload/contract/projects'
import { AppError } from '../../shared/app-error'
import { load, paths } from './compose-test-support'

/** A realistic file (docker-compose 1.29 `config` accepts it) using every syntax the import maps. */
const SHOP = `x-common: &common
  restart: unless-stopped
  labels:
    com.example.team: shop

services:
  db:
    <<: *common
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD}
      POSTGRES_DB: shop
      PGDATA: /var/lib/postgresql/data/pgdata
    volumes:
      - db-data:/var/lib/postgresql/data
      - ./initdb:/docker-entrypoint-initdb.d:ro
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U shop"]
      interval: 10s
      timeout: 5s
      retries: 5
    deploy:
      resources:
        limits:
          memory: 512M
          cpus: "1.5"

  cache:
    image: redis:7
    command: redis-server --appendonly yes --requirepass "$\${REDIS_PASSWORD}"
    expose:
      - "6379"
    volumes:
      - type: volume
        source: cache-data
        target: /data
    restart: always
    mem_limit: 256m

  api:
    <<: *common
    image: ghcr.io/example/shop-api:\${API_TAG:-1.4.2}
    entrypoint: ["/usr/bin/tini", "--"]
    command: ["node", "server.js"]
    env_file:
      - ./api.env
      - ./missing.env
    environment:
      - NODE_ENV=production
      - DATABASE_URL=postgres://shop@db:5432/shop
      - API_TOKEN
      - LOG_LEVEL=debug
    ports:
      - "127.0.0.1:3000:3000"
      - "9229"
    depends_on:
      db:
        condition: service_healthy
      cache:
        condition: service_started
    healthcheck:
      test: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:3000/healthz"]
      interval: 30s
      start_period: 20s
    user: "1000:1000"
    labels:
      - "traefik.enable=true"
      - "io.glinrdock.project=hijack"
    container_name: shop-api

  Worker:
    image: ghcr.io/example/shop-api:1.4.2
    command: node worker.js --queue "jobs high"
    environment:
      DATABASE_URL: postgres://shop@db:5432/shop
      CONCURRENCY: 4
      DEBUG: "false"
      SENTRY_DSN:
    depends_on: [db, cache]
    deploy:
      replicas: 2
      restart_policy:
        condition: on-failure
        max_attempts: 3
    cap_add: [SYS_PTRACE]
    logging:
      driver: json-file

  web:
    image: nginx:1.25-alpine
    ports:
      - "80:80"
      - "443:443"
      - target: 443
        published: 443
        protocol: udp
    volumes:
      - /etc/letsencrypt:/etc/letsencrypt:ro
      - type: bind
        source: /srv/shop/static
        target: /usr/share/nginx/html
        read_only: true
      - type: tmpfs
        target: /var/cache/nginx
    depends_on:
      - api
    restart: "on-failure:5"
    networks:
      - frontend
      - default
    extra_hosts:
      - "host.docker.internal:host-gateway"

  admin:
    build: ./admin
    ports:
      - "8081:80"

  ftp:
    image: stilliard/pure-ftpd
    ports:
      - "21:21"
      - "30000-30002:30000-30002"
    volumes:
      - ftp-home:/home/ftpusers
    privileged: true
    depends_on:
      - admin

volumes:
  db-data:
  cache-data:
    external: true
  ftp-home:
    name: shop-ftp-home
    driver_opts:
      type: nfs

networks:
  frontend:

secrets:
  db_password:
    file: ./secrets/db_password.txt
`

const DEFAULTS = { git: null, command: null, entrypoint: null, healthcheck: null, user: null, autoDeploy: false }

describe('importCompose: a realistic project', () => {
  const result = load(SHOP, {
    confirmBinds: true,
    envFiles: { 'api.env': 'LOG_LEVEL=info\nSESSION_SECRET="s3cr3t"\nexport CACHE_URL=redis://cache:6379 # local\n' },
  })

  it("maps every service it can to a draft in the schema's shapes", () => {
    expect(result.drafts).toEqual([
      {
        ...DEFAULTS,
        name: 'db',
        image: 'postgres:16-alpine',
        env: [
          { key: 'POSTGRES_USER', value: 'shop', secret: false },
          { key: 'POSTGRES_PASSWORD', secret: true },
          { key: 'POSTGRES_DB', value: 'shop', secret: false },
          { key: 'PGDATA', value: '/var/lib/postgresql/data/pgdata', secret: false },
        ],
        ports: [],
        volumes: [{ type: 'volume', source: 'shop_db-data', target: '/var/lib/postgresql/data', readOnly: false }],
        restart: { policy: 'unless-stopped' },
        healthcheck: {
          type: 'command',
          command: ['/bin/sh', '-c', 'pg_isready -U shop'],
          interval: '10s',
          timeout: '5s',
          retries: 5,
        },
        resources: { memoryBytes: 512 * 1024 ** 2, cpus: 1.5 },
        labels: { 'com.example.team': 'shop' },
        dependsOn: [],
      },
      {
        ...DEFAULTS,
        name: 'cache',
        image: 'redis:7',
        command: ['redis-server', '--appendonly', 'yes', '--requirepass', '${REDIS_PASSWORD}'],
        env: [],
        ports: [{ container: 6379, protocol: 'tcp' }],
        volumes: [{ type: 'volume', source: 'cache-data', target: '/data', readOnly: false }],
        restart: { policy: 'always' },
        resources: { memoryBytes: 256 * 1024 ** 2 },
        labels: {},
        dependsOn: [],
      },
      {
        ...DEFAULTS,
        name: 'api',
        image: 'ghcr.io/example/shop-api:1.4.2',
        entrypoint: ['/usr/bin/tini', '--'],
        command: ['node', 'server.js'],
        env: [
          { key: 'LOG_LEVEL', value: 'debug', secret: false },
          { key: 'SESSION_SECRET', value: 's3cr3t', secret: true },
          { key: 'CACHE_URL', value: 'redis://cache:6379', secret: false },
          { key: 'NODE_ENV', value: 'production', secret: false },
          { key: 'DATABASE_URL', value: 'postgres://shop@db:5432/shop', secret: false },
        ],
        ports: [
          { container: 3000, host: 3000, protocol: 'tcp', hostIp: '127.0.0.1' },
          { container: 9229, protocol: 'tcp' },
        ],
        volumes: [],
        restart: { policy: 'unless-stopped' },
        healthcheck: { type: 'http', port: 3000, path: '/healthz', interval: '30s', startPeriod: '20s' },
        resources: {},
        user: '1000:1000',
        labels: { 'traefik.enable': 'true' },
        dependsOn: ['db', 'cache'],
      },
      {
        ...DEFAULTS,
        name: 'worker',
        image: 'ghcr.io/example/shop-api:1.4.2',
        command: ['node', 'worker.js', '--queue', 'jobs high'],
        env: [
          { key: 'DATABASE_URL', value: 'postgres://shop@db:5432/shop', secret: false },
          { key: 'CONCURRENCY', value: '4', secret: false },
          { key: 'DEBUG', value: 'false', secret: false },
        ],
        ports: [],
        volumes: [],
        restart: { policy: 'on-failure', maxRetries: 3 },
        resources: {},
        labels: {},
        dependsOn: ['db', 'cache'],
      },
      {
        ...DEFAULTS,
        name: 'web',
        image: 'nginx:1.25-alpine',
        env: [],
        ports: [
          { container: 80, host: 80, protocol: 'tcp' },
          { container: 443, host: 443, protocol: 'tcp' },
          { container: 443, host: 443, protocol: 'udp' },
        ],
        volumes: [
          { type: 'bind', source: '/etc/letsencrypt', target: '/etc/letsencrypt', readOnly: true, confirmBind: true },
          {
            type: 'bind',
            source: '/srv/shop/static',
            target: '/usr/share/nginx/html',
            readOnly: true,
            confirmBind: true,
          },
        ],
        restart: { policy: 'on-failure', maxRetries: 5 },
        resources: {},
        labels: {},
        dependsOn: ['api'],
      },
      {
        ...DEFAULTS,
        name: 'ftp',
        image: 'stilliard/pure-ftpd',
        env: [],
        ports: [
          { container: 21, host: 21, protocol: 'tcp' },
          { container: 30000, host: 30000, protocol: 'tcp' },
          { container: 30001, host: 30001, protocol: 'tcp' },
          { container: 30002, host: 30002, protocol: 'tcp' },
        ],
        volumes: [{ type: 'volume', source: 'shop-ftp-home', target: '/home/ftpusers', readOnly: false }],
        restart: { policy: 'no' },
        resources: {},
        labels: {},
        dependsOn: [],
      },
    ])
  })

  it('warns at the path of everything it could not honour, in file order', () => {
    expect(result.warnings.map((warning) => warning.path)).toEqual([
      'networks.frontend',
      'secrets',
      'volumes.ftp-home.driver_opts',
      'services.Worker',
      'services.db.environment.POSTGRES_PASSWORD',
      'services.db.volumes.1',
      'services.api.labels.1',
      'services.api.image',
      'services.api.env_file',
      'services.api.environment.2',
      'services.api.ports.1',
      'services.api.depends_on.db.condition',
      'services.Worker.environment.SENTRY_DSN',
      'services.Worker.deploy.replicas',
      'services.Worker.cap_add',
      'services.Worker.logging',
      'services.web.volumes.2',
      'services.web.networks',
      'services.web.extra_hosts',
      'services.admin.build',
      'services.ftp.privileged',
      'services.ftp.depends_on.0',
      'x-common',
    ])
  })

  it('says what happened and what to do next', () => {
    const message = (path: string) => result.warnings.find((warning) => warning.path === path)?.message
    expect(message('services.Worker')).toBe('Renamed to worker: glinrdock service names are lowercase')
    expect(message('services.db.volumes.1')).toMatch(/\.\/initdb is relative .*absolute host path; left out/)
    expect(message('services.api.image')).toMatch(/default given for \$\{API_TAG\} is used/)
    expect(message('services.api.env_file')).toMatch(/\.\/missing\.env was not pasted/)
    expect(message('services.api.environment.2')).toMatch(/API_TOKEN has no value/)
    expect(message('services.api.depends_on.db.condition')).toMatch(
      /only starts db first; it does not wait for it to be healthy/,
    )
    expect(message('services.admin.build')).toMatch(/admin is skipped: .*builds from git come with the builds feature/)
    expect(message('services.ftp.depends_on.0')).toMatch(/admin is skipped/)
    expect(message('services.web.volumes.2')).toBe('tmpfs mounts are not supported; left out')
    expect(message('x-common')).toBe('Extension fields are ignored: x-common')
  })

  it('produces drafts the create schema accepts once secrets have values', () => {
    for (const draft of result.drafts) {
      const env = draft.env!.map((variable) => ({ ...variable, value: variable.value ?? 'set-later' }))
      const parsed = CreateServiceInput.safeParse({ ...draft, env, projectId: 'aaaaaaaaaaaa' })
      expect(parsed.success, `${draft.name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true)
    }
  })

  it('leaves bind mounts out until they are confirmed, saying a confirmation is needed', () => {
    const unconfirmed = load(SHOP)
    expect(unconfirmed.drafts.find((draft) => draft.name === 'web')!.volumes).toEqual([])
    const binds = unconfirmed.warnings.filter((warning) => /^services\.web\.volumes\.[01]$/.test(warning.path))
    expect(binds.map((warning) => warning.message)).toEqual([
      'The bind mount of /etc/letsencrypt exposes host files: confirm bind mounts to import it; left out',
      'The bind mount of /srv/shop/static exposes host files: confirm bind mounts to import it; left out',
    ])
  })
})

describe('importCompose: the top level', () => {
  it('ignores the obsolete version key silently and reads an empty services mapping', () => {
    expect(load('version: "3.8"\nservices: {}\n')).toEqual({ drafts: [], warnings: [] })
  })

  it('accepts its own project network and name, and warns about anything else at the top', () => {
    const own = 'name: shop\nservices: {}\nnetworks:\n  default:\n    name: glinrdock-shop\n'
    expect(load(own).warnings).toEqual([])
    expect(
      paths(
        'name: other\nservices: {}\nnetworks: {default: {name: mine}, back: {}}\nconfigs: {}\ninclude: [a.yml]\nfoo: 1\n',
      ),
    ).toEqual(['name', 'networks.default', 'networks.back', 'configs', 'include', 'foo'])
  })

  it('warns once about all extension fields, at the path of the first', () => {
    const result = load('x-a: 1\nservices:\n  app: {image: nginx, x-b: 2}\nx-c: 3\n')
    expect(result.warnings).toEqual([
      { path: 'x-a', message: 'Extension fields are ignored: x-a, x-c, services.app.x-b' },
    ])
  })
})

describe('importCompose: any input', () => {
  const KEYS = ['image', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'volumes', 'restart']
  const MORE = [
    'deploy',
    'healthcheck',
    'mem_limit',
    'cpus',
    'labels',
    'user',
    'depends_on',
    'build',
    'x-glinrdock-git',
  ]
  const value = fc.jsonValue({ maxDepth: 4 })
  const service = fc.dictionary(fc.constantFrom(...KEYS, ...MORE, 'container_name', 'weird'), value, { maxKeys: 6 })
  const file = fc.record({
    services: fc.dictionary(fc.constantFrom('web', 'db', 'Api', 'x'), service, { maxKeys: 3 }),
    volumes: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 3 }), { nil: undefined }),
  })

  it('either maps a file or refuses it with a validation error, for any values under any keys', () => {
    fc.assert(
      fc.property(file, fc.boolean(), (compose, confirmBinds) => {
        try {
          const result = load(stringify(compose), { confirmBinds, envFiles: { '.env': 'A=1' } })
          for (const warning of result.warnings) expect(typeof warning.path).toBe('string')
        } catch (err) {
          expect(err).toBeInstanceOf(AppError)
          expect((err as AppError).code).toBe('validation')
        }
      }),
      { numRuns: 300 },
    )
  })

  it('never crashes on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200, unit: fc.constantFrom(...'ab: -[]{}&*!|>\'"#%@`,?\n\t$'.split('')) }),
        (text) => {
          try {
            load(text)
          } catch (err) {
            expect(err).toBeInstanceOf(AppError)
          }
        },
      ),
      { numRuns: 1000 },
    )
  })
})
