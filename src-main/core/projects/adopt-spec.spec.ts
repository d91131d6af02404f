import { describe, expect, it } from 'vitest'
import { CreateServiceInput } from '../../../src-preload/contract/projects'
import { draftFromInspect, suggestServiceName, toServiceName } from './adopt-spec'

type Json = Record<string, unknown>
const ID = 'c528a8f62c21c83d2da39de488b9a7daf55e65439af835973879852f13c1bb8e'
const ANON = 'f3b1c0de9a8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e'

/** HostConfig as Docker 20.10 reports it for `docker run` without flags (captured from the test bed). */
const DEFAULT_HOST_CONFIG: Json = {
  Binds: null,
  LogConfig: { Type: 'json-file', Config: {} },
  NetworkMode: 'default',
  PortBindings: {},
  RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
  AutoRemove: false,
  VolumesFrom: null,
  CapAdd: null,
  CapDrop: null,
  CgroupnsMode: 'host',
  Dns: [],
  DnsOptions: [],
  DnsSearch: [],
  ExtraHosts: null,
  GroupAdd: null,
  IpcMode: 'private',
  Links: null,
  OomScoreAdj: 0,
  PidMode: '',
  Privileged: false,
  PublishAllPorts: false,
  ReadonlyRootfs: false,
  SecurityOpt: null,
  UTSMode: '',
  UsernsMode: '',
  ShmSize: 67108864,
  Runtime: 'runc',
  CpuShares: 0,
  Memory: 0,
  NanoCpus: 0,
  CgroupParent: '',
  BlkioWeight: 0,
  CpuPeriod: 0,
  CpuQuota: 0,
  CpusetCpus: '',
  CpusetMems: '',
  Devices: [],
  DeviceCgroupRules: null,
  DeviceRequests: null,
  MemoryReservation: 0,
  MemorySwap: 0,
  OomKillDisable: false,
  PidsLimit: null,
  Ulimits: [],
  MaskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore'],
  ReadonlyPaths: ['/proc/bus', '/proc/fs'],
}

const NGINX_IMAGE: Json = {
  Id: 'sha256:1c7cbde75eae0b1f3c7a5b9e4d8f6a2c1b0e9d8f7a6b5c4d3e2f1a0b9c8d7e6f',
  Config: {
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NGINX_VERSION=1.27.3'],
    Cmd: ['nginx', '-g', 'daemon off;'],
    Entrypoint: ['/docker-entrypoint.sh'],
    ExposedPorts: { '80/tcp': {} },
    Labels: { maintainer: 'NGINX Docker Maintainers', 'org.opencontainers.image.version': '1.27.3' },
    StopSignal: 'SIGQUIT',
    WorkingDir: '',
  },
}

function container(config: Json = {}, hostConfig: Json = {}, rest: Json = {}): Json {
  return {
    Id: ID,
    Name: '/shop-web-1',
    Image: NGINX_IMAGE.Id,
    HostConfig: { ...DEFAULT_HOST_CONFIG, ...hostConfig },
    Mounts: [],
    Config: {
      Hostname: ID.slice(0, 12),
      Domainname: '',
      User: '',
      ExposedPorts: { '80/tcp': {} },
      Tty: false,
      OpenStdin: false,
      Env: (NGINX_IMAGE.Config as Json).Env,
      Cmd: ['nginx', '-g', 'daemon off;'],
      Image: 'nginx:1.27',
      Volumes: null,
      WorkingDir: '',
      Entrypoint: ['/docker-entrypoint.sh'],
      Labels: { ...((NGINX_IMAGE.Config as Json).Labels as Json) },
      StopSignal: 'SIGQUIT',
      ...config,
    },
    NetworkSettings: { Networks: { bridge: { NetworkID: 'abc' } } },
    ...rest,
  }
}

const composeLabels = (extra: Json = {}): Json => ({
  ...((NGINX_IMAGE.Config as Json).Labels as Json),
  'com.docker.compose.project': 'shop',
  'com.docker.compose.service': 'web',
  'com.docker.compose.container-number': '1',
  'com.docker.compose.config-hash': 'f00d',
  'com.docker.compose.depends_on': 'db:service_healthy:false,Cache.Redis:service_started:true',
  ...extra,
})

const adopt = (c: Json, image: Json | null = NGINX_IMAGE) => draftFromInspect(c, image)
const paths = (c: Json, image: Json | null = NGINX_IMAGE) => adopt(c, image).warnings.map((w) => w.path)

describe('suggestServiceName', () => {
  it("takes compose's service name first", () => {
    expect(suggestServiceName(container({ Labels: composeLabels() }))).toBe('web')
  })

  it('falls back to the container name without its slash', () => {
    expect(suggestServiceName(container())).toBe('shop-web-1')
  })

  it("drops the project's prefix, so the container glinrdock recreates keeps its name", () => {
    expect(suggestServiceName(container(), 'shop')).toBe('web-1')
    expect(suggestServiceName(container(), 'other')).toBe('shop-web-1')
    expect(suggestServiceName(container({}, {}, { Name: '/shop-' }), 'shop')).toBe('shop')
  })

  it.each([
    ['My.App_1', 'my-app_1'],
    ['-._x._-', 'x'],
    ['___', 'service'],
    ['a'.repeat(62) + '_b', 'a'.repeat(62)],
  ])('turns %j into the service name %j', (raw, name) => {
    expect(toServiceName(raw)).toBe(name)
  })
})

describe('draftFromInspect', () => {
  it('adopts a plain container as its image and nothing else, without warnings', () => {
    const { draft, warnings } = adopt(container())
    expect(warnings).toEqual([])
    expect(draft).toEqual({
      name: 'shop-web-1',
      image: 'nginx:1.27',
      git: null,
      command: null,
      entrypoint: null,
      env: [],
      ports: [],
      volumes: [],
      restart: { policy: 'no' },
      healthcheck: null,
      resources: {},
      user: null,
      labels: {},
      dependsOn: [],
      autoDeploy: false,
    })
    expect(CreateServiceInput.safeParse({ projectId: 'p00000000001', ...draft }).success).toBe(true)
  })

  it('keeps a command or entrypoint only when it differs from the image', () => {
    expect(adopt(container({ Cmd: ['nginx-debug', '-g', 'daemon off;'] })).draft).toMatchObject({
      command: ['nginx-debug', '-g', 'daemon off;'],
      entrypoint: null,
    })
    expect(adopt(container({ Entrypoint: ['/bin/sh', '-c'], Cmd: ['sleep 1'] })).draft).toMatchObject({
      command: ['sleep 1'],
      entrypoint: ['/bin/sh', '-c'],
    })
  })

  it("keeps the image's entrypoint when the container runs it without the image's command", () => {
    expect(adopt(container({ Cmd: null })).draft).toMatchObject({
      command: null,
      entrypoint: ['/docker-entrypoint.sh'],
    })
  })

  it('adopts the variables the image does not set, sorted, marking secret-looking ones, and keeps an image id as is', () => {
    const { draft } = adopt(
      container({
        Image: NGINX_IMAGE.Id,
        Env: [
          'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          'NGINX_VERSION=1.27.4',
          'DB_PASSWORD=hunter2',
          'STRIPE_API_KEY=sk_live',
          'GITHUB_TOKEN=ghp',
          'PASSWORD_FILE=/run/secrets/db',
          'EMPTY=',
          'EQUALS=a=b',
        ],
      }),
    )
    expect(draft.image).toBe(NGINX_IMAGE.Id)
    expect(draft.env).toEqual([
      { key: 'DB_PASSWORD', value: 'hunter2', secret: true },
      { key: 'EMPTY', value: '', secret: false },
      { key: 'EQUALS', value: 'a=b', secret: false },
      { key: 'GITHUB_TOKEN', value: 'ghp', secret: true },
      { key: 'NGINX_VERSION', value: '1.27.4', secret: false },
      { key: 'PASSWORD_FILE', value: '/run/secrets/db', secret: false },
      { key: 'STRIPE_API_KEY', value: 'sk_live', secret: true },
    ])
  })

  it('leaves out a variable whose name the spec does not accept, with a warning', () => {
    const { draft, warnings } = adopt(container({ Env: ['my.setting=1', 'OK=1'] }))
    expect(draft.env).toEqual([{ key: 'OK', value: '1', secret: false }])
    expect(warnings).toEqual([{ path: 'Config.Env', message: expect.stringContaining('my.setting') }])
  })

  it('maps published ports, keeps a specific host address, and adds exposed ports the image does not expose', () => {
    const { draft, warnings } = adopt(
      container(
        { ExposedPorts: { '80/tcp': {}, '443/tcp': {}, '53/udp': {}, '9000/tcp': {}, '9999/sctp': {} } },
        {
          PortBindings: {
            '80/tcp': [{ HostIp: '', HostPort: '8080' }],
            '443/tcp': [
              { HostIp: '127.0.0.1', HostPort: '8443' },
              { HostIp: '0.0.0.0', HostPort: '443' },
            ],
            '53/udp': [{ HostIp: '', HostPort: '' }],
          },
        },
      ),
    )
    expect(draft.ports).toEqual([
      { container: 53, protocol: 'udp' },
      { container: 80, protocol: 'tcp', host: 8080 },
      { container: 443, protocol: 'tcp', host: 443 },
      { container: 443, protocol: 'tcp', host: 8443, hostIp: '127.0.0.1' },
      { container: 9000, protocol: 'tcp' },
    ])
    expect(warnings.map((w) => w.path)).toEqual(['HostConfig.PortBindings.53/udp', 'Config.ExposedPorts.9999/sctp'])
    expect(warnings[0]!.message).toMatch(/host port the engine picked/)
  })

  it('maps named, anonymous and bind mounts, sorted by target, and warns about what it cannot keep', () => {
    const { draft, warnings } = adopt(
      container(
        {},
        {},
        {
          Mounts: [
            {
              Type: 'volume',
              Name: 'shop_data',
              Source: '/var/lib/docker/volumes/shop_data/_data',
              Destination: '/data',
              Driver: 'local',
              Mode: 'z',
              RW: true,
              Propagation: '',
            },
            {
              Type: 'bind',
              Source: '/srv/site',
              Destination: '/usr/share/nginx/html',
              Mode: 'ro',
              RW: false,
              Propagation: 'rprivate',
            },
            {
              Type: 'volume',
              Name: ANON,
              Source: `/var/lib/docker/volumes/${ANON}/_data`,
              Destination: '/cache',
              Driver: 'local',
              Mode: '',
              RW: true,
              Propagation: '',
            },
            { Type: 'tmpfs', Source: '', Destination: '/run', Mode: '', RW: true, Propagation: '' },
          ],
        },
      ),
    )
    expect(draft.volumes).toEqual([
      { type: 'volume', source: ANON, target: '/cache', readOnly: false },
      { type: 'volume', source: 'shop_data', target: '/data', readOnly: false },
      { type: 'bind', source: '/srv/site', target: '/usr/share/nginx/html', readOnly: true, confirmBind: true },
    ])
    expect(warnings.map((w) => w.path)).toEqual(['Mounts[/usr/share/nginx/html]', 'Mounts[/cache]', 'Mounts[/run]'])
    expect(warnings[0]!.message).toMatch(/bind mount of the host's \/srv\/site/)
    expect(warnings[1]!.message).toMatch(/anonymous volume/)
    expect(CreateServiceInput.safeParse({ projectId: 'p00000000001', ...draft }).success).toBe(true)
  })

  it('maps the restart policy, with a retry count only for on-failure', () => {
    expect(adopt(container({}, { RestartPolicy: { Name: '', MaximumRetryCount: 0 } })).draft.restart).toEqual({
      policy: 'no',
    })
    expect(adopt(container({}, { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 } })).draft.restart).toEqual(
      {
        policy: 'on-failure',
        maxRetries: 5,
      },
    )
    expect(
      adopt(container({}, { RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } })).draft.restart,
    ).toEqual({
      policy: 'unless-stopped',
    })
  })

  it("leaves the health check to the image when it is the image's", () => {
    const check = { Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 30e9 }
    const image = { ...NGINX_IMAGE, Config: { ...(NGINX_IMAGE.Config as Json), Healthcheck: check } }
    expect(adopt(container({ Healthcheck: check }), image).draft.healthcheck).toBeNull()
  })

  it('maps health checks of each kind, with durations written back', () => {
    const hc = (Healthcheck: Json) => adopt(container({ Healthcheck })).draft.healthcheck
    expect(
      hc({ Test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], Interval: 30e9, Timeout: 5e9, Retries: 3 }),
    ).toEqual({
      type: 'command',
      command: ['/bin/sh', '-c', 'curl -f http://localhost/ || exit 1'],
      interval: '30s',
      timeout: '5s',
      retries: 3,
    })
    expect(hc({ Test: ['CMD', 'pg_isready'], StartPeriod: 1.5e9 })).toEqual({
      type: 'command',
      command: ['pg_isready'],
      startPeriod: '1.5s',
    })
    expect(hc({ Test: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8080/healthz'], Interval: 90e9 })).toEqual({
      type: 'http',
      port: 8080,
      path: '/healthz',
      interval: '1m30s',
    })
    expect(hc({ Test: ['CMD', 'wget', '-q', '--spider', 'http://example.com/'] })).toMatchObject({ type: 'command' })
    expect(hc({ Test: ['NONE'] })).toBeNull()
  })

  it("warns that turning the image's health check off cannot be kept", () => {
    const image = {
      ...NGINX_IMAGE,
      Config: { ...(NGINX_IMAGE.Config as Json), Healthcheck: { Test: ['CMD', 'true'] } },
    }
    const { draft, warnings } = adopt(container({ Healthcheck: { Test: ['NONE'] } }), image)
    expect(draft.healthcheck).toBeNull()
    expect(warnings.map((w) => w.path)).toEqual(['Config.Healthcheck'])
  })

  it('maps memory, CPUs and the user', () => {
    const { draft, warnings } = adopt(
      container(
        { User: '101:101' },
        { Memory: 64 * 1024 * 1024, MemorySwap: 128 * 1024 * 1024, NanoCpus: 500_000_000 },
      ),
    )
    expect(draft.resources).toEqual({ memoryBytes: 64 * 1024 * 1024, cpus: 0.5 })
    expect(draft.user).toBe('101:101')
    expect(warnings).toEqual([])
  })

  it("adopts a compose container's own labels and its dependencies, dropping compose's and glinrdock's", () => {
    const { draft, warnings } = adopt(
      container(
        {
          Labels: composeLabels({
            'com.example.team': 'shop',
            maintainer: 'me',
            'io.glinrdock.spec-hash': 'abc',
            'bad label': 'x',
          }),
        },
        { NetworkMode: 'shop_default' },
        { NetworkSettings: { Networks: { shop_default: {} } } },
      ),
    )
    expect(draft.name).toBe('web')
    expect(draft.labels).toEqual({ 'com.example.team': 'shop', maintainer: 'me' })
    expect(draft.dependsOn).toEqual(['db', 'cache-redis'])
    expect(warnings.map((w) => w.path)).toEqual(['Config.Labels.bad label'])
  })

  it('warns about every setting the spec cannot express, naming its inspect path', () => {
    const c = container(
      { WorkingDir: '/app', Tty: true, Hostname: 'web.internal' },
      {
        Privileged: true,
        CapAdd: ['NET_ADMIN'],
        Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
        ExtraHosts: ['db:10.0.0.2'],
        Dns: ['1.1.1.1'],
        Tmpfs: { '/run': '' },
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
        LogConfig: { Type: 'syslog', Config: {} },
        MemorySwap: -1,
        NetworkMode: 'backend',
      },
      { NetworkSettings: { Networks: { backend: {}, frontend: {} } } },
    )
    expect(paths(c)).toEqual([
      'HostConfig.Privileged',
      'HostConfig.CapAdd',
      'HostConfig.Devices',
      'HostConfig.ExtraHosts',
      'HostConfig.Dns',
      'HostConfig.Tmpfs',
      'HostConfig.Ulimits',
      'HostConfig.MemorySwap',
      'HostConfig.LogConfig',
      'Config.WorkingDir',
      'Config.Tty',
      'Config.Hostname',
      'NetworkSettings.Networks.backend',
      'NetworkSettings.Networks.frontend',
    ])
    expect(adopt(c).warnings[0]!.message).toMatch(/stays on the running container, but a recreate/)
  })

  it('warns about host networking, and not about the project network it is told of', () => {
    expect(paths(container({}, { NetworkMode: 'host' }, { NetworkSettings: { Networks: { host: {} } } }))).toEqual([
      'HostConfig.NetworkMode',
    ])
    const onProject = container(
      {},
      { NetworkMode: 'glinrdock-shop' },
      { NetworkSettings: { Networks: { 'glinrdock-shop': {} } } },
    )
    expect(draftFromInspect(onProject, NGINX_IMAGE, { projectName: 'shop' }).warnings).toEqual([])
    expect(draftFromInspect(onProject, NGINX_IMAGE, { projectNetwork: 'glinrdock-shop' }).warnings).toEqual([])
    expect(paths(onProject)).toEqual(['NetworkSettings.Networks.glinrdock-shop'])
  })

  it("adopts the image's defaults as explicit settings when the image cannot be inspected", () => {
    const { draft, warnings } = adopt(container(), null)
    expect(warnings.map((w) => w.path)).toEqual(['Image', 'Config.StopSignal'])
    expect(draft).toMatchObject({
      command: ['nginx', '-g', 'daemon off;'],
      entrypoint: ['/docker-entrypoint.sh'],
      ports: [{ container: 80, protocol: 'tcp' }],
      labels: { maintainer: 'NGINX Docker Maintainers' },
    })
    expect(draft.env).toHaveLength(2)
  })
})
