import { describe, expect, it } from 'vitest'
import { CreateServiceInput } from '../../../../src-preload/contract/projects'
import { load, one, refusal } from './compose-test-support'

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
