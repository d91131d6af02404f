import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { freePort } from '../../../e2e/fixtures/free-port'
import { SlowRelay } from '../../../e2e/fixtures/slow-relay'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { addTestbedHost } from '../../../e2e/fixtures/testbed-host'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'

/**
 * Projects and services over REST on the real server, against the test bed's engine reached over SSH: a spec
 * becomes a container that serves, an edit recreates it, the CLI's changes show through the engine's events.
 */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string
const projects: string[] = []

const suffix = Math.random().toString(36).slice(2, 8)
const job = async (id: string) => (await api.get(`/v1/jobs/${id}`)).json
const finished = (id: string) =>
  eventually(
    async () => {
      const current = await job(id)
      return ['succeeded', 'failed', 'canceled'].includes(current.status) && current
    },
    30_000,
    `job ${id}`,
  )
const service = async (id: string) => (await api.get(`/v1/services/${id}`)).json
const containersOfProject = (projectId: string): string[] =>
  dockerCli(env, ['ps', '-aq', '--no-trunc', '--filter', `label=io.glinrdock.project=${projectId}`])
    .split('\n')
    .filter(Boolean)

async function newProject(name: string): Promise<string> {
  const res = await api.post('/v1/projects', { name: `${name}-${suffix}`, hostId })
  expect(res.status, res.text).toBe(201)
  projects.push(res.json.id)
  return res.json.id
}

/** PID 1 ignores SIGTERM unless it handles it: without the trap every stop would wait out the engine's 10 s. */
const SLEEPER = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"]

function webService(name: string, port: number, extra: Record<string, unknown> = {}) {
  return {
    name,
    image: env.busyboxImage,
    command: [
      'sh',
      '-c',
      `mkdir -p /www && echo "hello $GREETING" > /www/index.html && trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait`,
    ],
    env: [{ key: 'GREETING', value: 'one' }],
    ports: [{ container: 8080, host: port, hostIp: '127.0.0.1' }],
    ...extra,
  }
}

async function fetchText(port: number): Promise<string> {
  return eventually(
    async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`)
        return res.ok && (await res.text())
      } catch {
        return false
      }
    },
    15_000,
    `http on ${port}`,
  )
}

async function startAndWait(serviceId: string) {
  const res = await api.post(`/v1/services/${serviceId}/start`)
  expect([200, 202], res.text).toContain(res.status)
  if (res.status === 202) {
    const done = await finished(res.json.jobId)
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded')
  }
  return res
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

beforeAll(async () => {
  env = testbedEnv()
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  hostId = await addTestbedHost(serve, env)
})

afterAll(async () => {
  for (const id of projects) await api.delete(`/v1/projects/${id}?force=true&volumes=true`)
  for (const id of projects) for (const c of containersOfProject(id)) dockerCli(env, ['rm', '-f', c])
  await serve?.stop()
})

describe('a service on the SSH-reached engine', () => {
  let projectId: string
  let serviceId: string
  let port: number

  it('becomes a container that serves on its port, named and labelled by glinrdock', async () => {
    projectId = await newProject('web')
    port = await freePort()
    const created = await api.post(`/v1/projects/${projectId}/services`, webService('web', port))
    expect(created.status, created.text).toBe(201)
    serviceId = created.json.id
    expect(created.json.status).toMatchObject({ state: 'missing', live: true, drift: [] })

    const started = await startAndWait(serviceId)
    expect(started.status).toBe(202)
    expect(await fetchText(port)).toBe('hello one\n')

    const current = await eventually(async () => {
      const s = await service(serviceId)
      return s.status.state === 'running' && s
    })
    expect(current.status.containerName).toBe(`web-${suffix}-web`)
    const labels = JSON.parse(
      dockerCli(env, ['inspect', '--format', '{{json .Config.Labels}}', current.status.containerId]),
    )
    expect(labels).toMatchObject({
      'io.glinrdock.project': projectId,
      'io.glinrdock.service': serviceId,
      'io.glinrdock.spec-hash': current.specHash,
    })
    const networks = dockerCli(env, [
      'inspect',
      '--format',
      '{{json .NetworkSettings.Networks}}',
      current.status.containerId,
    ])
    expect(Object.keys(JSON.parse(networks))).toEqual([`glinrdock-web-${suffix}`])
  })

  it('keeps the container for an unchanged spec and recreates it for a changed one', async () => {
    const before = (await service(serviceId)).status.containerId
    const again = await startAndWait(serviceId)
    expect(again.status).toBe(200)
    expect(again.json).toEqual({ jobId: null })
    expect((await service(serviceId)).status.containerId).toBe(before)

    const edited = await api.patch(`/v1/services/${serviceId}`, { env: [{ key: 'GREETING', value: 'two' }] })
    expect(edited.status, edited.text).toBe(200)
    expect(edited.json.status.drift.map((d: { kind: string }) => d.kind)).toEqual(['spec_changed'])

    expect((await startAndWait(serviceId)).status).toBe(202)
    const after = await eventually(async () => {
      const s = await service(serviceId)
      return s.status.state === 'running' && s.status.containerId !== before && s
    })
    expect(after.status.drift).toEqual([])
    expect(await fetchText(port)).toBe('hello two\n')
    expect(containersOfProject(projectId)).toEqual([after.status.containerId])
  })

  it('shows a docker stop and a docker rm from the CLI through the engine events, and re-applies', async () => {
    const { status } = await service(serviceId)
    dockerCli(env, ['stop', '-t', '1', status.containerId])
    const stopped = await eventually(async () => {
      const s = await service(serviceId)
      return s.status.state === 'exited' && s
    })
    expect(stopped.status.drift.map((d: { kind: string }) => d.kind)).toEqual(['stopped'])

    dockerCli(env, ['rm', status.containerId])
    const removed = await eventually(async () => {
      const s = await service(serviceId)
      return s.status.state === 'missing' && s
    })
    expect(removed.status.drift.map((d: { kind: string }) => d.kind)).toEqual(['removed'])

    await startAndWait(serviceId)
    expect(await fetchText(port)).toBe('hello two\n')
    const back = await eventually(async () => {
      const s = await service(serviceId)
      return s.status.state === 'running' && s.status.drift.length === 0 && s
    })
    expect(back.status.containerId).not.toBe(status.containerId)
  })

  it('reads statuses back after a restart of glinrdock', async () => {
    const before = await service(serviceId)
    await serve.stop()
    serve = await startServe({ dataDir: serve.dataDir })
    api = apiClient(serve.url, serve.adminToken)
    await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
    // The first answer comes from one list call: state and container at once; the start time follows its inspect.
    const first = await service(serviceId)
    expect(first.status).toMatchObject({ state: 'running', containerId: before.status.containerId, live: true })
    const detailed = await eventually(async () => {
      const s = await service(serviceId)
      return s.status.startedAt !== null && s
    })
    expect(detailed.status.startedAt).toBe(before.status.startedAt)
    expect(detailed.status.imageId).toBe(before.status.imageId)
  })

  it('stops and restarts it, and serves its logs', async () => {
    expect((await api.post(`/v1/services/${serviceId}/stop?t=1`)).status).toBe(204)
    await eventually(async () => (await service(serviceId)).status.state === 'exited')
    expect((await service(serviceId)).desiredState).toBe('stopped')
    expect((await service(serviceId)).status.drift).toEqual([])
    expect((await api.post(`/v1/services/${serviceId}/restart?t=1`)).status).toBe(204)
    await eventually(async () => (await service(serviceId)).status.state === 'running')
    const logs = await api.get(`/v1/services/${serviceId}/logs?tail=all`)
    expect(logs.status).toBe(200)
    expect(logs.text).toBeTypeOf('string')
  })
})

describe('projects', () => {
  it('starts a project in dependsOn order and stops it', async () => {
    const projectId = await newProject('order')
    const long = (name: string, dependsOn: string[] = []) => ({
      name,
      image: env.busyboxImage,
      command: SLEEPER,
      dependsOn,
    })
    for (const spec of [long('db'), long('cache'), long('api', ['db', 'cache']), long('worker', ['api'])]) {
      const res = await api.post(`/v1/projects/${projectId}/services`, spec)
      expect(res.status, res.text).toBe(201)
    }
    const started = await api.post(`/v1/projects/${projectId}/start`)
    expect(started.status).toBe(202)
    expect((await finished(started.json.jobId)).status).toBe('succeeded')
    const list = (await api.get(`/v1/projects/${projectId}/services`)).json as {
      spec: { name: string }
      status: { containerId: string; state: string }
    }[]
    const startedAt = Object.fromEntries(
      list.map((s) => [
        s.spec.name,
        Date.parse(dockerCli(env, ['inspect', '--format', '{{.State.StartedAt}}', s.status.containerId])),
      ]),
    )
    expect(startedAt.api).toBeGreaterThan(Math.max(startedAt.db!, startedAt.cache!))
    expect(startedAt.worker).toBeGreaterThan(startedAt.api!)
    const summary = (await api.get(`/v1/projects/${projectId}`)).json
    expect(summary).toMatchObject({ serviceCount: 4, states: { running: 4 }, driftCount: 0 })

    expect((await api.post(`/v1/projects/${projectId}/stop`)).status).toBe(204)
    await eventually(async () => (await api.get(`/v1/projects/${projectId}`)).json.states.exited === 4)
  })

  it('refuses a cycle in dependsOn before anything runs', async () => {
    const projectId = await newProject('cycle')
    await api.post(`/v1/projects/${projectId}/services`, { name: 'a', image: env.busyboxImage, dependsOn: ['b'] })
    const b = await api.post(`/v1/projects/${projectId}/services`, { name: 'b', image: env.busyboxImage })
    const edited = await api.patch(`/v1/services/${b.json.id}`, { dependsOn: ['a'] })
    // Either refused at the edit, or at the start: never a job that runs half a project.
    if (edited.status === 200) {
      const started = await api.post(`/v1/projects/${projectId}/start`)
      expect(started.status).toBe(400)
      expect(started.json.error.field).toBe('dependsOn')
    } else {
      expect(edited.status).toBe(400)
    }
    expect(containersOfProject(projectId)).toEqual([])
  })

  it('pulls a missing image from the private registry as part of the deploy, and a cancel leaves no container', async () => {
    const projectId = await newProject('pull')
    const relay = await SlowRelay.start(env.registryAddress, 64 * 1024)
    const image = env.registryImage.replace(env.registryAddress, relay.address)
    try {
      const created = await api.post(`/v1/projects/${projectId}/services`, {
        name: 'app',
        image,
        command: SLEEPER,
      })
      expect(created.status, created.text).toBe(201)
      const refused = await finished((await api.post(`/v1/services/${created.json.id}/start`)).json.jobId)
      expect(refused).toMatchObject({ status: 'failed', error: { code: 'registry_auth_failed' } })

      await api.post('/v1/registries', {
        server: relay.address,
        username: env.registryUser,
        password: env.registryPassword,
      })
      const { jobId } = (await api.post(`/v1/services/${created.json.id}/start`)).json
      await eventually(async () => (await job(jobId)).status === 'running' && relay.bytes > 0, 20_000)
      expect((await api.post(`/v1/jobs/${jobId}/cancel`)).status).toBe(200)
      expect(await finished(jobId)).toMatchObject({ status: 'canceled' })
      expect(containersOfProject(projectId)).toEqual([])
      expect((await service(created.json.id)).status.state).toBe('missing')
    } finally {
      await relay.close()
      try {
        dockerCli(env, ['rmi', image])
      } catch {
        // never pulled
      }
    }
  })

  it('reports a host port held by another container as port_conflict and leaves no container behind', async () => {
    const projectId = await newProject('ports')
    const port = await freePort()
    const first = await api.post(`/v1/projects/${projectId}/services`, webService('first', port))
    const second = await api.post(`/v1/projects/${projectId}/services`, webService('second', port))
    expect(second.status, second.text).toBe(201)
    await startAndWait(first.json.id)
    const res = await api.post(`/v1/services/${second.json.id}/start`)
    const failed = await finished(res.json.jobId)
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'port_conflict' } })
    expect(failed.error.message).toContain(`${port}/tcp`)
    expect(containersOfProject(projectId)).toHaveLength(1)
  })

  it('removes a service by its label, and a project with services only with force, with its network', async () => {
    const projectId = await newProject('remove')
    const a = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'a',
      image: env.busyboxImage,
      command: SLEEPER,
      volumes: [{ type: 'volume', source: `gd-test-data-${suffix}`, target: '/data' }],
    })
    await startAndWait(a.json.id)
    // A container of the same name pattern that glinrdock does not own must survive.
    const bystander = dockerCli(env, [
      'run',
      '-d',
      '--name',
      `remove-${suffix}-a-copy`,
      '--label',
      'glinrdock.test=1',
      env.busyboxImage,
      'sleep',
      '3600',
    ])
    try {
      const refused = await api.delete(`/v1/projects/${projectId}`)
      expect(refused.status).toBe(409)
      expect(refused.json.error.field).toBe('force')
      expect(containersOfProject(projectId)).toHaveLength(1)

      expect((await api.delete(`/v1/services/${a.json.id}`)).status).toBe(204)
      expect(containersOfProject(projectId)).toEqual([])
      expect(dockerCli(env, ['volume', 'ls', '-q', '--filter', `name=gd-test-data-${suffix}`])).toBe(
        `gd-test-data-${suffix}`,
      )
      expect(dockerCli(env, ['inspect', '--format', '{{.State.Running}}', bystander])).toBe('true')

      const b = await api.post(`/v1/projects/${projectId}/services`, {
        name: 'b',
        image: env.busyboxImage,
        command: SLEEPER,
        volumes: [{ type: 'volume', source: `gd-test-data-${suffix}`, target: '/data' }],
      })
      await startAndWait(b.json.id)
      expect((await api.delete(`/v1/projects/${projectId}?force=true&volumes=true`)).status).toBe(204)
      expect(containersOfProject(projectId)).toEqual([])
      expect(dockerCli(env, ['network', 'ls', '-q', '--filter', `name=glinrdock-remove-${suffix}`])).toBe('')
      expect(dockerCli(env, ['volume', 'ls', '-q', '--filter', `name=gd-test-data-${suffix}`])).toBe('')
      expect((await api.get(`/v1/projects/${projectId}`)).status).toBe(404)

      // A volume glinrdock did not create stays, even with volumes=true.
      const again = await newProject('keep')
      dockerCli(env, ['volume', 'create', `gd-test-user-${suffix}`])
      const c = await api.post(`/v1/projects/${again}/services`, {
        name: 'c',
        image: env.busyboxImage,
        command: SLEEPER,
        volumes: [{ type: 'volume', source: `gd-test-user-${suffix}`, target: '/data' }],
      })
      await startAndWait(c.json.id)
      expect((await api.delete(`/v1/services/${c.json.id}?volumes=true`)).status).toBe(204)
      expect(dockerCli(env, ['volume', 'ls', '-q', '--filter', `name=gd-test-user-${suffix}`])).toBe(
        `gd-test-user-${suffix}`,
      )
      dockerCli(env, ['volume', 'rm', `gd-test-user-${suffix}`])
    } finally {
      dockerCli(env, ['rm', '-f', bystander])
    }
  })
})

describe('validation and secrets', () => {
  it('refuses bad input with 400 naming the field, and stores or creates nothing', async () => {
    const projectId = await newProject('bad')
    const base = { name: 'ok', image: env.busyboxImage }
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, name: 'Web' }, 'name'],
      [{ ...base, name: '-x' }, 'name'],
      [{ ...base, image: '../x' }, 'image'],
      [{ ...base, image: undefined }, 'image'],
      [{ ...base, env: [{ key: '1A', value: 'x' }] }, 'env.0.key'],
      [
        {
          ...base,
          env: [
            { key: 'A', value: 'x' },
            { key: 'A', value: 'y' },
          ],
        },
        'env.1.key',
      ],
      [{ ...base, ports: [{ container: 70000 }] }, 'ports.0.container'],
      [{ ...base, ports: [{ container: 80, protocol: 'sctp' }] }, 'ports.0.protocol'],
      [{ ...base, volumes: [{ type: 'bind', source: '/etc', target: '/x' }] }, 'volumes.0.confirmBind'],
      [{ ...base, volumes: [{ type: 'volume', source: '../x', target: '/x' }] }, 'volumes.0.source'],
      [{ ...base, labels: { 'io.glinrdock.project': 'x' } }, 'labels.io.glinrdock.project'],
      [{ ...base, dependsOn: ['nope'] }, 'dependsOn.0'],
      [{ ...base, healthcheck: { type: 'http', port: 80, path: '/x;rm -rf /', interval: '5s' } }, 'healthcheck.path'],
      [{ ...base, healthcheck: { type: 'command', command: ['true'], interval: 'soon' } }, 'healthcheck.interval'],
      [{ ...base, resources: { memoryBytes: 1024 } }, 'resources.memoryBytes'],
      [{ ...base, user: 'root; id' }, 'user'],
      [{ ...base, git: { url: 'https://example.com/x.git', ref: 'main' } }, 'image'],
      [{ ...base, extra: 1 }, ''],
    ]
    for (const [body, field] of cases) {
      const res = await api.post(`/v1/projects/${projectId}/services`, body)
      expect(res.status, `${JSON.stringify(body)} → ${res.text}`).toBe(400)
      if (field) expect(res.json.error.field, JSON.stringify(body)).toBe(field)
    }
    expect((await api.get(`/v1/projects/${projectId}/services`)).json).toEqual([])
    expect((await api.post('/v1/projects', { name: 'Bad Name', hostId })).status).toBe(400)
    expect((await api.post('/v1/projects', { name: `bad-${suffix}`, hostId })).status).toBe(409)

    expect((await api.post(`/v1/projects/${projectId}/services`, base)).status).toBe(201)
    const duplicate = await api.post(`/v1/projects/${projectId}/services`, base)
    expect(duplicate.status).toBe(409)
    expect(duplicate.json.error.code).toBe('conflict')
    expect(containersOfProject(projectId)).toEqual([])
  })

  it('lets a deployer manage services but not bind host files, and a viewer only read', async () => {
    const projectId = await newProject('roles')
    const token = async (role: string) => (await api.post('/v1/tokens', { name: `${role} ${suffix}`, role })).json.token
    const deployer = apiClient(serve.url, await token('deployer'))
    const viewer = apiClient(serve.url, await token('viewer'))
    const bind = { type: 'bind', source: '/etc', target: '/host-etc', readOnly: true, confirmBind: true }
    const refused = await deployer.post(`/v1/projects/${projectId}/services`, {
      name: 'binder',
      image: env.busyboxImage,
      volumes: [bind],
    })
    expect(refused.status).toBe(403)
    expect(refused.json.error.field).toBe('volumes.0')
    const made = await deployer.post(`/v1/projects/${projectId}/services`, { name: 'plain', image: env.busyboxImage })
    expect(made.status, made.text).toBe(201)
    expect(
      (await viewer.post(`/v1/projects/${projectId}/services`, { name: 'v', image: env.busyboxImage })).status,
    ).toBe(403)
    expect((await viewer.post(`/v1/services/${made.json.id}/start`)).status).toBe(403)
    expect((await viewer.get(`/v1/services/${made.json.id}`)).status).toBe(200)
    const admin = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'binder',
      image: env.busyboxImage,
      volumes: [bind],
    })
    expect(admin.status, admin.text).toBe(201)
    // A deployer may still edit other fields of a service an admin gave a bind mount.
    const edit = await deployer.patch(`/v1/services/${admin.json.id}`, { labels: { team: 'a' } })
    expect(edit.status, edit.text).toBe(200)
  })

  it('takes __proto__ and constructor as the env names they are', async () => {
    const projectId = await newProject('proto')
    const created = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'app',
      image: env.busyboxImage,
      env: [
        { key: '__proto__', value: 'x' },
        { key: 'constructor', value: 'y', secret: true },
      ],
    })
    expect(created.status, created.text).toBe(201)
    expect(created.json.spec.env).toEqual([
      { key: '__proto__', value: 'x', secret: false },
      { key: 'constructor', value: null, secret: true },
    ])
    // A secret without a value needs one stored: nothing is inherited from Object.prototype.
    const noValue = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'other',
      image: env.busyboxImage,
      env: [{ key: 'toString', secret: true }],
    })
    expect(noValue.status).toBe(400)
    expect(noValue.json.error.field).toBe('env.0.value')
    const patched = await api.patch(`/v1/services/${created.json.id}`, { labels: { a: 'b' } })
    expect(patched.status, patched.text).toBe(200)
    expect((await api.get(`/v1/projects/${projectId}/compose`)).status).toBe(200)
    expect((await api.get(`/v1/projects/${projectId}/services`)).status).toBe(200)
  })

  it('stores a git service that says it has no image yet', async () => {
    const projectId = await newProject('git')
    const res = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'app',
      git: { url: 'https://example.com/team/app.git', ref: 'main', dockerfile: 'Dockerfile' },
    })
    expect(res.status, res.text).toBe(201)
    expect(res.json.spec).toMatchObject({ image: null, git: { url: 'https://example.com/team/app.git', ref: 'main' } })
    const start = await api.post(`/v1/services/${res.json.id}/start`)
    expect(start.status).toBe(409)
    expect(start.json.error.code).toBe('no_image')
  })

  it('keeps env secrets sealed: masked in every answer, absent from the data dir and the log, given to the container', async () => {
    const projectId = await newProject('secret')
    const secret = `s3cr3t-${suffix}-${Math.random().toString(36).slice(2)}`
    const plain = `plain-${suffix}-value`
    const res = await api.post(`/v1/projects/${projectId}/services`, {
      name: 'app',
      image: env.busyboxImage,
      command: SLEEPER,
      env: [
        { key: 'DB_PASSWORD', value: secret, secret: true },
        { key: 'MODE', value: plain },
      ],
    })
    expect(res.status, res.text).toBe(201)
    expect(res.json.spec.env).toEqual([
      { key: 'DB_PASSWORD', value: null, secret: true },
      { key: 'MODE', value: plain, secret: false },
    ])
    expect(JSON.stringify((await api.get(`/v1/projects/${projectId}/services`)).json)).not.toContain(secret)
    // An edit that keeps the secret sends it without a value.
    const kept = await api.patch(`/v1/services/${res.json.id}`, {
      env: [
        { key: 'DB_PASSWORD', secret: true },
        { key: 'MODE', value: 'changed' },
      ],
    })
    expect(kept.status, kept.text).toBe(200)
    const exported = await api.get(`/v1/projects/${projectId}/compose`)
    expect(exported.text).toContain('${DB_PASSWORD}')
    expect(exported.text).not.toContain(secret)

    await startAndWait(res.json.id)
    const { status } = await service(res.json.id)
    const containerEnv = JSON.parse(dockerCli(env, ['inspect', '--format', '{{json .Config.Env}}', status.containerId]))
    expect(containerEnv).toContain(`DB_PASSWORD=${secret}`)
    expect(containerEnv).toContain('MODE=changed')

    for (const file of filesUnder(serve.dataDir)) {
      // Every env value is sealed at rest, not only the secret ones.
      expect(readFileSync(file).includes(secret), file).toBe(false)
      expect(readFileSync(file).includes(plain), file).toBe(false)
    }
    expect(serve.output()).not.toContain(secret)
  })
})
