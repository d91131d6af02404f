import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { CreateServiceInput } from '../../../../src-preload/contract/projects'
import { AppError } from '../../shared/app-error'
import { importCompose, type ComposeImportOptions } from './compose-import'

const OPTIONS: ComposeImportOptions = { projectName: 'shop', confirmBinds: false, envFiles: {} }
const load = (yaml: string, options: Partial<ComposeImportOptions> = {}) =>
  importCompose(yaml, { ...OPTIONS, ...options })
const paths = (yaml: string, options: Partial<ComposeImportOptions> = {}) =>
  load(yaml, options).warnings.map((warning) => warning.path)
const one = (body: string, options: Partial<ComposeImportOptions> = {}) => {
  const result = load(`services:\n  app:\n${body.replace(/^/gm, '    ')}\n`, options)
  return { draft: result.drafts[0]!, warnings: result.warnings }
}

function refusal(run: () => unknown): AppError {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    return err as AppError
  }
  throw new Error('expected the import to be refused')
}

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

describe('importCompose: services', () => {
  it('lowercases names, following them in depends_on', () => {
    const result = load('services:\n  DB: {image: postgres}\n  Web: {image: nginx, depends_on: [DB]}\n')
    expect(result.drafts.map((draft) => [draft.name, draft.dependsOn])).toEqual([
      ['db', []],
      ['web', ['db']],
    ])
    expect(result.warnings.map((warning) => warning.path)).toEqual(['services.DB', 'services.Web'])
  })

  it('refuses a name glinrdock cannot use, or two names that lowercase alike, naming the path', () => {
    const dotted = refusal(() => load('services:\n  web.api: {image: nginx}\n'))
    expect(dotted).toMatchObject({ code: 'validation', field: 'services.web.api' })
    expect(refusal(() => load('services:\n  Web: {image: a}\n  web: {image: b}\n')).field).toBe('services.web')
    expect(refusal(() => load('services:\n  web: nginx\n')).field).toBe('services.web')
  })

  it('names the container glinrdock will use when the file asks for another', () => {
    const { warnings } = one('image: nginx\ncontainer_name: my-app')
    expect(warnings).toEqual([
      { path: 'services.app.container_name', message: 'glinrdock names the container shop-app; this name is not used' },
    ])
    expect(one('image: nginx\ncontainer_name: shop-app').warnings).toEqual([])
  })

  it('pulls the image when a service has both an image and a build, and skips one with a build only', () => {
    expect(one('image: app:1\nbuild: .').warnings.map((warning) => warning.path)).toEqual(['services.app.build'])
    expect(load('services:\n  app: {build: {context: .}}\n').drafts).toEqual([])
  })

  it('reads the git source its own export writes, without warnings', () => {
    const { draft, warnings } = one(
      'x-glinrdock-git: {url: "https://github.com/acme/app.git", ref: main, context: svc}\nbuild: {context: "https://github.com/acme/app.git#main:svc"}',
    )
    expect(draft).toMatchObject({
      image: null,
      git: { url: 'https://github.com/acme/app.git', ref: 'main', context: 'svc' },
    })
    expect(warnings).toEqual([])
  })

  it('leaves a service with neither image nor build to the schema, which refuses it', () => {
    const { draft } = one('restart: always')
    expect(draft).toMatchObject({ name: 'app', image: null, git: null })
    expect(CreateServiceInput.safeParse({ ...draft, projectId: 'aaaaaaaaaaaa' }).success).toBe(false)
  })

  it('reads names that are also Object properties as ordinary names', () => {
    const result = load('services:\n  constructor:\n    image: nginx\n    volumes: ["tostring:/data"]\n')
    expect(result.drafts[0]).toMatchObject({
      name: 'constructor',
      volumes: [{ type: 'volume', source: 'shop_tostring', target: '/data', readOnly: false }],
    })
  })
})

describe('importCompose: commands and environment', () => {
  it('splits string commands like compose and keeps lists, numbers as text', () => {
    expect(one(`image: a\ncommand: sh -c 'echo "hi there"' \\$HOME`).draft.command).toEqual([
      'sh',
      '-c',
      'echo "hi there"',
      '$HOME',
    ])
    expect(one('image: a\ncommand: [sleep, 30]\nentrypoint: [tini]').draft).toMatchObject({
      command: ['sleep', '30'],
      entrypoint: ['tini'],
    })
  })

  it("refuses an unclosed quote at the command path, and warns that an empty entrypoint cannot clear the image's", () => {
    expect(refusal(() => one(`image: a\ncommand: "echo 'oops"`))).toMatchObject({ field: 'services.app.command' })
    const { draft, warnings } = one('image: a\nentrypoint: ""')
    expect(draft.entrypoint).toBeNull()
    expect(warnings.map((warning) => warning.path)).toEqual(['services.app.entrypoint'])
  })

  it('takes pasted env files by path, lets environment win, and marks secret-looking keys', () => {
    const { draft, warnings } = one(
      'image: a\nenv_file: [.env, {path: ./opt.env, required: false}, {path: ./gone.env, required: false}]\nenvironment: {A: from-environment, n: 5, on: true}',
      { envFiles: { './.env': 'A=from-file\nB=2\nAPI_KEY=k\nBARE\n', 'opt.env': 'C=3' } },
    )
    expect(draft.env).toEqual([
      { key: 'A', value: 'from-environment', secret: false },
      { key: 'B', value: '2', secret: false },
      { key: 'API_KEY', value: 'k', secret: true },
      { key: 'C', value: '3', secret: false },
      { key: 'n', value: '5', secret: false },
      { key: 'on', value: 'true', secret: false },
    ])
    expect(warnings).toEqual([
      {
        path: 'services.app.env_file',
        message: ".env line 4: BARE has no value: it would be taken from the host's environment",
      },
      {
        path: 'services.app.env_file',
        message: './gone.env was not pasted (it is optional): paste its contents to import its variables',
      },
    ])
  })

  it('reads ${KEY} and $KEY for their own key as secrets without a value, and leaves other variables as written', () => {
    const { draft, warnings } = one(
      'image: a\nenvironment:\n  - TOKEN=${TOKEN}\n  - SESSION=$SESSION\n  - URL=http://${HOST}:$$PORT\n  - PRICE=$$5',
    )
    expect(draft.env).toEqual([
      { key: 'TOKEN', secret: true },
      { key: 'SESSION', secret: true },
      { key: 'URL', value: 'http://${HOST}:$PORT', secret: false },
      { key: 'PRICE', value: '$5', secret: false },
    ])
    expect(warnings.map((warning) => warning.path)).toEqual([
      'services.app.environment.0',
      'services.app.environment.1',
      'services.app.environment.2',
    ])
    expect(warnings[2]!.message).toMatch(/^\$\{HOST\} is left as written: compose substitutes variables/)
  })
})

describe('importCompose: ports', () => {
  it('reads the long syntax with a host address, ignoring mode, and warns about keys it does not know', () => {
    const { draft, warnings } = one(
      'image: a\nports:\n  - {target: 53, published: "5353", protocol: UDP, host_ip: "::1", mode: host, name: dns}',
    )
    expect(draft.ports).toEqual([{ container: 53, host: 5353, protocol: 'udp', hostIp: '::1' }])
    expect(warnings.map((warning) => warning.path)).toEqual(['services.app.ports.0.name'])
  })

  it('expands ranges, drops exposed ports already published, and leaves out other protocols', () => {
    const { draft, warnings } = one(
      'image: a\nports: ["[::1]:8000-8001:80-81", 9000, "7/sctp"]\nexpose: [80, "9000", "9100-9101/udp", 9100]',
    )
    expect(draft.ports).toEqual([
      { container: 80, host: 8000, protocol: 'tcp', hostIp: '::1' },
      { container: 81, host: 8001, protocol: 'tcp', hostIp: '::1' },
      { container: 9000, protocol: 'tcp' },
      { container: 9100, protocol: 'udp' },
      { container: 9101, protocol: 'udp' },
      { container: 9100, protocol: 'tcp' },
    ])
    expect(warnings.map((warning) => warning.path)).toEqual(['services.app.ports.1', 'services.app.ports.2'])
  })

  it('refuses ports that do not parse, ranges that do not match, and more than 256 ports, naming the path', () => {
    expect(refusal(() => one('image: a\nports: ["80", "http"]'))).toMatchObject({
      code: 'validation',
      field: 'services.app.ports.1',
    })
    expect(refusal(() => one('image: a\nports: ["8000-8002:80-81"]')).field).toBe('services.app.ports.0')
    expect(refusal(() => one('image: a\nports: ["1-1000:1-1000"]')).message).toMatch(/more than 256 ports/)
    expect(refusal(() => one('image: a\nports: [{published: 80}]')).field).toBe('services.app.ports.0')
    expect(refusal(() => one('image: a\nexpose: ["80:80"]')).field).toBe('services.app.expose.0')
  })
})

describe('importCompose: volumes', () => {
  it('names volumes like compose: prefixed, given a name, or external as is', () => {
    const { draft, warnings } = one(
      'image: a\nvolumes: [plain:/a, named:/b:ro, ext:/c, legacy:/d, loose:/e, /anon, {type: volume, target: /f}]',
    )
    const withTop = load(
      `services:\n  app:\n    image: a\n    volumes: [plain:/a, named:/b:ro, ext:/c, legacy:/d, loose:/e, /anon]\n` +
        'volumes:\n  plain:\n  named: {name: my-named}\n  ext: {external: true}\n  legacy: {external: {name: old-one}}\n',
    )
    expect(withTop.drafts[0]!.volumes).toEqual([
      { type: 'volume', source: 'shop_plain', target: '/a', readOnly: false },
      { type: 'volume', source: 'my-named', target: '/b', readOnly: true },
      { type: 'volume', source: 'ext', target: '/c', readOnly: false },
      { type: 'volume', source: 'old-one', target: '/d', readOnly: false },
      { type: 'volume', source: 'shop_loose', target: '/e', readOnly: false },
      { type: 'volume', target: '/anon', readOnly: false },
    ])
    expect(withTop.warnings).toEqual([
      {
        path: 'services.app.volumes.4',
        message: 'loose is not declared under the top-level volumes; it is named shop_loose, as compose would',
      },
    ])
    expect(draft.volumes).toHaveLength(7)
    expect(warnings).toHaveLength(5)
  })

  it('leaves out home-relative binds and other mount types, and warns about options it cannot honour', () => {
    const { draft, warnings } = one(
      'image: a\nvolumes:\n  - ~/x:/x\n  - data:/d:nocopy\n  - {type: npipe, source: a, target: /p}\n  - {type: bind, source: /srv, target: /s, bind: {propagation: rshared}}',
      { confirmBinds: true },
    )
    expect(draft.volumes).toEqual([
      { type: 'volume', source: 'shop_data', target: '/d', readOnly: false },
      { type: 'bind', source: '/srv', target: '/s', readOnly: false, confirmBind: true },
    ])
    expect(warnings.map((warning) => warning.path)).toEqual([
      'services.app.volumes.0',
      'services.app.volumes.1',
      'services.app.volumes.1',
      'services.app.volumes.2',
      'services.app.volumes.3.bind',
    ])
  })

  it('refuses mounts that do not parse, naming the path', () => {
    expect(refusal(() => one('image: a\nvolumes: ["data:/d:rx"]')).field).toBe('services.app.volumes.0')
    expect(refusal(() => one('image: a\nvolumes: [{source: a, target: /b}]')).field).toBe('services.app.volumes.0')
    expect(refusal(() => one('image: a\nvolumes: [{type: volume, source: ./a, target: /b}]')).field).toBe(
      'services.app.volumes.0.source',
    )
    expect(refusal(() => one('image: a\nvolumes: [{type: volume, target: /b, read_only: "yes"}]')).field).toBe(
      'services.app.volumes.0.read_only',
    )
  })
})

describe('importCompose: restart, health checks and limits', () => {
  it('reads restart policies, the YAML 1.1 false for no, and deploy.restart_policy', () => {
    expect(one('image: a\nrestart: false').draft.restart).toEqual({ policy: 'no' })
    expect(one('image: a\ndeploy: {restart_policy: {condition: any}}').draft.restart).toEqual({ policy: 'always' })
    expect(one('image: a\ndeploy: {restart_policy: {condition: none, delay: 5s}}')).toMatchObject({
      draft: { restart: { policy: 'no' } },
      warnings: [{ path: 'services.app.deploy.restart_policy.delay' }],
    })
    const conflict = one('image: a\nrestart: always\ndeploy: {restart_policy: {condition: on-failure}}')
    expect(conflict.draft.restart).toEqual({ policy: 'always' })
    expect(conflict.warnings).toEqual([
      { path: 'services.app.deploy.restart_policy', message: 'Conflicts with restart, which is used' },
    ])
    expect(refusal(() => one('image: a\nrestart: sometimes')).field).toBe('services.app.restart')
    expect(refusal(() => one('image: a\nrestart: on-failure:x')).field).toBe('services.app.restart')
  })

  it("reads every form of test, and says it cannot switch off the image's own check", () => {
    expect(one('image: a\nhealthcheck: {test: curl -f http://x/ || exit 1}').draft.healthcheck).toEqual({
      type: 'command',
      command: ['/bin/sh', '-c', 'curl -f http://x/ || exit 1'],
    })
    expect(one('image: a\nhealthcheck: {test: [CMD, pg_isready], retries: "3"}').draft.healthcheck).toEqual({
      type: 'command',
      command: ['pg_isready'],
      retries: 3,
    })
    // Only the exact probe export writes reads back as an HTTP check.
    expect(
      one('image: a\nhealthcheck: {test: [CMD, wget, -q, --spider, "http://localhost:80/"]}').draft.healthcheck,
    ).toMatchObject({ type: 'command' })
    for (const body of ['{test: [NONE]}', '{disable: true}', '{interval: 5s}']) {
      const { draft, warnings } = one(`image: a\nhealthcheck: ${body}`)
      expect(draft.healthcheck).toBeNull()
      expect(warnings.map((warning) => warning.path)).toEqual(['services.app.healthcheck'])
    }
    expect(refusal(() => one('image: a\nhealthcheck: {test: [CMD]}')).field).toBe('services.app.healthcheck.test')
    expect(refusal(() => one('image: a\nhealthcheck: {test: x, timeout: 10}')).field).toBe(
      'services.app.healthcheck.timeout',
    )
    expect(refusal(() => one('image: a\nhealthcheck: {test: x, interval: soon}')).field).toBe(
      'services.app.healthcheck.interval',
    )
  })

  it('takes deploy limits over the legacy keys, with a warning when they differ', () => {
    const { draft, warnings } = one(
      'image: a\nmem_limit: 1g\ncpus: 2\ndeploy: {resources: {limits: {memory: 512m, cpus: "2"}, reservations: {memory: 1m}}}',
    )
    expect(draft.resources).toEqual({ memoryBytes: 512 * 1024 ** 2, cpus: 2 })
    expect(warnings.map((warning) => warning.path)).toEqual([
      'services.app.deploy.resources.reservations',
      'services.app.deploy.resources.limits.memory',
    ])
    expect(one('image: a\nmem_limit: 104857600').draft.resources).toEqual({ memoryBytes: 104857600 })
    expect(refusal(() => one('image: a\ndeploy: {resources: {limits: {memory: lots}}}'))).toMatchObject({
      code: 'validation',
      field: 'services.app.deploy.resources.limits.memory',
    })
    expect(refusal(() => one('image: a\ncpus: half')).field).toBe('services.app.cpus')
  })
})

describe('importCompose: labels, user and depends_on', () => {
  it("reads labels in both forms, interpolating values and dropping glinrdock's own", () => {
    expect(one('image: a\nlabels: [a=1, bare, "b=x=y"]').draft.labels).toEqual({ a: '1', bare: '', b: 'x=y' })
    const { draft, warnings } = one('image: a\nlabels: {a: $$HOME, n: 2, e: null, io.glinrdock.service: x}')
    expect(draft.labels).toEqual({ a: '$HOME', n: '2', e: '' })
    expect(warnings.map((warning) => warning.path)).toEqual(['services.app.labels.io.glinrdock.service'])
  })

  it('reads a numeric user as text and warns about depends_on options it does not honour', () => {
    expect(one('image: a\nuser: 1000').draft.user).toBe('1000')
    const result = load(
      'services:\n  db: {image: a}\n  app:\n    image: a\n    depends_on:\n      db: {condition: service_completed_successfully, restart: true}\n      ghost: {}\n',
    )
    expect(result.drafts[1]!.dependsOn).toEqual(['db'])
    expect(result.warnings.map((warning) => [warning.path, warning.message])).toEqual([
      ['services.app.depends_on.db.condition', 'glinrdock only starts db first; it does not wait for it to complete'],
      ['services.app.depends_on.db.restart', 'restart is not supported by glinrdock and is left out'],
      ['services.app.depends_on.ghost', 'ghost is not a service in this file; left out'],
    ])
  })
})

describe('importCompose: hostile YAML', () => {
  const quick = (yaml: string): AppError => {
    const started = performance.now()
    const error = refusal(() => load(yaml))
    expect(performance.now() - started).toBeLessThan(2000)
    expect(error).toMatchObject({ code: 'validation', field: 'yaml' })
    return error
  }

  it('refuses a billion-laughs alias bomb quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`,
      )
    }
    lines.push('services:\n  app:\n    image: nginx\n    command: *j')
    expect(quick(lines.join('\n')).message).toBe('The file expands its aliases too often to be read safely')
    const merges = ['x-0: &x0 {k0: v}']
    for (let i = 1; i < 30; i++)
      merges.push(
        `x-${i}: &x${i} {<<: [${Array(10)
          .fill(`*x${i - 1}`)
          .join(',')}], k${i}: v}`,
      )
    quick(`${merges.join('\n')}\nservices: {}`)
  })

  it('still reads files that share settings through anchors', () => {
    const services = Array.from({ length: 40 }, (_, i) => `  s${i}: {<<: *common, image: nginx}`)
    const result = load(`x-common: &common {restart: always, labels: {team: a}}\nservices:\n${services.join('\n')}\n`)
    expect(result.drafts).toHaveLength(40)
    expect(result.drafts[39]).toMatchObject({ restart: { policy: 'always' }, labels: { team: 'a' } })
  })

  it('refuses huge nesting quickly, in flow and block style, without exhausting the stack or the heap', () => {
    const max = 512 * 1024
    expect(quick('{'.repeat(max)).message).toBe('The file is nested too deeply')
    quick('['.repeat(max))
    quick(`services: ${'[a: '.repeat(max / 4)}`)
    quick(`${'- '.repeat(max / 2)}x`)
    quick(Array.from({ length: 700 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'))
    // Under the lexical bound but deeper than any compose file: the parsed tree is bounded too.
    quick(`services: {app: {image: nginx, x-deep: ${'['.repeat(100)}${']'.repeat(100)}}}`)
  })

  it('refuses what is not one YAML mapping with a services mapping', () => {
    for (const yaml of [
      '',
      '# only a comment\n',
      '- a\n- b\n',
      'just text',
      '~',
      'services:\n',
      'services: [web]\n',
      'image: nginx\n',
    ])
      quick(yaml)
    expect(quick('services: {}\n---\nservices: {}\n').message).toMatch(/several YAML documents/)
    expect(quick('services: {web: {image: [}}').message).toMatch(/^Not valid YAML: /)
    expect(quick('services: {}\nservices: {}\n').message).toMatch(/^Not valid YAML: Map keys must be unique/)
    quick(`services: {}\nx-pad: "${'a'.repeat(512 * 1024)}"\n`)
  })

  it("refuses tags other than the core schema's, whatever they claim to construct", () => {
    for (const tagged of [
      '!!js/function "function () { return process }"',
      '!!python/object/apply:os.system ["id"]',
      '!!binary aGVsbG8=',
      '!!set {a, b}',
      '!!timestamp 2001-12-14',
      '!reset []',
    ])
      quick(`services:\n  app:\n    image: nginx\n    command: ${tagged}\n`)
    // The core schema's own tags are plain values.
    expect(one('image: !!str nginx\nuser: !!str 1000').draft).toMatchObject({ image: 'nginx', user: '1000' })
  })

  it('refuses __proto__ keys anywhere and pollutes no prototype', () => {
    for (const yaml of [
      '__proto__: {polluted: yes}\nservices: {}\n',
      'services:\n  __proto__: {image: nginx}\n',
      'services:\n  app: {image: nginx, labels: {__proto__: {polluted: yes}}}\n',
      'services:\n  app: {image: nginx, environment: {__proto__: x}}\n',
      'x-a: &a {__proto__: {polluted: yes}}\nservices:\n  app: {<<: *a, image: nginx}\n',
    ])
      expect(quick(yaml).message).toBe('The key __proto__ is not allowed')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
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
