import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { freePort } from '../../../e2e/fixtures/free-port'
import { SlowRelay } from '../../../e2e/fixtures/slow-relay'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { addTestbedHost } from '../../../e2e/fixtures/testbed-host'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { buildVersionImage } from '../../../e2e/fixtures/version-image'

/**
 * Deployments, rollback and protected images over REST on the real server, against the test bed's engine reached
 * over SSH. The images are tiny busybox httpd images built here (each serves its own version string), so what a
 * deployment runs is read back from its port, and which image it is from the engine.
 */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string
let projectId: string
const suffix = Math.random().toString(36).slice(2, 8)
const repo = `gd-deploy-${suffix}`
const testLabel = `glinrdock.test=${suffix}`
const images: Record<string, string> = {}
/** References pulled under a relay's address: untagged again at the end (the image itself may be shared). */
const pulled: string[] = []

type Json = Record<string, any>

/** An image serving `version` on 8080 (with `/www/ok` unless `ok` is false); answers its id. */
const buildImage = async (version: string, options: { ok?: boolean; tag?: string } = {}): Promise<string> =>
  (await buildVersionImage(env, { repo, version, label: testLabel, ...options })).id

const job = async (id: string): Promise<Json> => (await api.get(`/v1/jobs/${id}`)).json
const finished = (id: string): Promise<Json> =>
  eventually(
    async () => {
      const current = await job(id)
      return ['succeeded', 'failed', 'canceled'].includes(current.status) && current
    },
    60_000,
    `job ${id}`,
  )
const service = async (id: string): Promise<Json> => (await api.get(`/v1/services/${id}`)).json
const deployment = async (id: string): Promise<Json> => (await api.get(`/v1/cicd/deployments/${id}`)).json
const containersOf = (serviceId: string): string[] =>
  dockerCli(env, ['ps', '-aq', '--no-trunc', '--filter', `label=io.glinrdock.service=${serviceId}`])
    .split('\n')
    .filter(Boolean)

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

async function createService(spec: Json): Promise<string> {
  const res = await api.post(`/v1/projects/${projectId}/services`, spec)
  expect(res.status, res.text).toBe(201)
  return res.json.id
}

/** Deploys a tag and waits for the job; answers the deployment as it ended. */
async function deploy(serviceId: string, imageTag: string, client = api): Promise<Json> {
  const res = await client.post(`/v1/cicd/services/${serviceId}/deploy`, { imageTag })
  expect(res.status, res.text).toBe(202)
  await finished(res.json.jobId)
  return deployment(res.json.deploymentId)
}

async function rollback(serviceId: string, deploymentId?: string): Promise<Json> {
  const res = await api.post(`/v1/cicd/services/${serviceId}/rollback`, deploymentId ? { deploymentId } : {})
  expect(res.status, res.text).toBe(202)
  await finished(res.json.jobId)
  return deployment(res.json.deploymentId)
}

/** Running, on the deployment's container, and without drift (once the engine's events were heard). */
async function settled(serviceId: string, containerId: string): Promise<Json> {
  return eventually(
    async () => {
      const s = await service(serviceId)
      return s.status.state === 'running' && s.status.containerId === containerId && s
    },
    15_000,
    `service ${serviceId} on ${containerId.slice(0, 12)}`,
  )
}

const serverImage = (port: number, extra: Json = {}) => ({
  ports: [{ container: 8080, host: port, hostIp: '127.0.0.1' }],
  ...extra,
})

beforeAll(async () => {
  env = testbedEnv()
  for (const version of ['v1', 'v2', 'v0', 'v4']) images[version] = await buildImage(version)
  images.bad = await buildImage('bad', { ok: false })
  serve = await startServe({ env: { GLINRDOCK_DEPLOY_STABLE_SECONDS: '1' } })
  api = apiClient(serve.url, serve.adminToken)
  hostId = await addTestbedHost(serve, env)
  const res = await api.post('/v1/projects', { name: `deploys-${suffix}`, hostId })
  expect(res.status, res.text).toBe(201)
  projectId = res.json.id
}, 120_000)

afterAll(async () => {
  if (projectId) await api.delete(`/v1/projects/${projectId}?force=true&volumes=true`)
  await serve?.stop()
  for (const reference of pulled) {
    try {
      dockerCli(env, ['rmi', reference])
    } catch {
      // Never pulled (the test failed before).
    }
  }
  const left = dockerCli(env, ['images', '-q', '--no-trunc', '--filter', `label=${testLabel}`])
    .split('\n')
    .filter(Boolean)
  for (const id of new Set(left)) {
    try {
      dockerCli(env, ['rmi', '-f', id])
    } catch {
      // Still used by a container of another spec's run: the engine keeps it, as it should.
    }
  }
})

describe('deploy and roll back an image service (fixed host port: stop-first)', () => {
  let serviceId: string
  let port: number
  const deployments: Json[] = []

  it('deploys v1: it serves v1, the deployment records the image id and the service its release', async () => {
    port = await freePort()
    serviceId = await createService({
      name: 'web',
      image: `${repo}:v1`,
      env: [
        { key: 'MODE', value: 'alpha' },
        { key: 'TOKEN', value: 's3cret-one', secret: true },
      ],
      ...serverImage(port),
    })
    const d1 = await deploy(serviceId, `${repo}:v1`)
    expect(d1, JSON.stringify(d1.error)).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      strategy: 'stop-first',
      imageTag: `${repo}:v1`,
      imageId: images.v1,
      current: true,
      imageProtected: true,
    })
    expect(await fetchText(port)).toBe('v1\n')
    const s = await settled(serviceId, d1.containerId)
    expect(s.release).toMatchObject({ deploymentId: d1.id, imageId: images.v1 })
    expect(s.status.drift).toEqual([])
    expect(s.status.imageId).toBe(images.v1)
    // The snapshot masks the secret and keeps the rest.
    expect(d1.spec.env).toEqual([
      { key: 'MODE', value: 'alpha', secret: false },
      { key: 'TOKEN', value: null, secret: true },
    ])
    expect(JSON.stringify(await api.get(`/v1/cicd/deployments/${d1.id}`))).not.toContain('s3cret')
    deployments.push(d1)
  })

  it('deploys v2 with a changed env: it serves v2', async () => {
    const edited = await api.patch(`/v1/services/${serviceId}`, {
      env: [
        { key: 'MODE', value: 'beta' },
        { key: 'TOKEN', secret: true },
      ],
    })
    expect(edited.status, edited.text).toBe(200)
    const d2 = await deploy(serviceId, `${repo}:v2`)
    expect(d2, JSON.stringify(d2.error)).toMatchObject({ status: 'succeeded', imageId: images.v2, current: true })
    expect(await fetchText(port)).toBe('v2\n')
    const s = await settled(serviceId, d2.containerId)
    expect(s.status.drift).toEqual([])
    expect(containersOf(serviceId)).toEqual([d2.containerId])
    deployments.push(d2)
    const list = (await api.get(`/v1/cicd/services/${serviceId}/deployments`)).json as Json[]
    expect(list.map((d) => d.id)).toEqual([d2.id, deployments[0]!.id])
    expect(list.map((d) => d.current)).toEqual([true, false])
  })

  it('previews the rollback: image, env keys, no values', async () => {
    const preview = await api.get(`/v1/cicd/services/${serviceId}/rollback-preview`)
    expect(preview.status, preview.text).toBe(200)
    expect(preview.json).toMatchObject({
      target: { id: deployments[0]!.id },
      current: { id: deployments[1]!.id },
      image: { from: images.v2, to: images.v1 },
      env: [{ key: 'MODE', change: 'changed' }],
      imageGone: false,
    })
    expect(preview.text).not.toContain('alpha')
    expect(preview.text).not.toContain('beta')
  })

  it('rolls back: serves v1 again with the first deployment’s image id, spec and env, without drift', async () => {
    const d3 = await rollback(serviceId)
    expect(d3, JSON.stringify(d3.error)).toMatchObject({
      status: 'succeeded',
      trigger: 'rollback',
      rollbackOf: deployments[0]!.id,
      imageId: deployments[0]!.imageId,
      current: true,
    })
    expect(await fetchText(port)).toBe('v1\n')
    const s = await settled(serviceId, d3.containerId)
    expect(s.status.drift).toEqual([])
    expect(s.spec.env).toEqual([
      { key: 'MODE', value: 'alpha', secret: false },
      { key: 'TOKEN', value: null, secret: true },
    ])
    const envInContainer = dockerCli(env, ['inspect', '--format', '{{json .Config.Env}}', d3.containerId])
    expect(envInContainer).toContain('TOKEN=s3cret-one')
    // The container matches its spec: starting it is no deploy.
    const started = await api.post(`/v1/services/${serviceId}/start`)
    expect(started.status, started.text).toBe(200)
    expect(started.json).toEqual({ jobId: null })
    deployments.push(d3)
  })

  it('rolls back to an explicit earlier deployment', async () => {
    const d4 = await rollback(serviceId, deployments[1]!.id)
    expect(d4).toMatchObject({ status: 'succeeded', rollbackOf: deployments[1]!.id, imageId: images.v2 })
    expect(await fetchText(port)).toBe('v2\n')
    expect((await settled(serviceId, d4.containerId)).status.drift).toEqual([])
    deployments.push(d4)
  })

  it('refuses a rollback whose image is gone from the engine with image_gone, before any job', async () => {
    const d5 = await deploy(serviceId, `${repo}:v0`)
    expect(d5.status).toBe('succeeded')
    expect(await fetchText(port)).toBe('v0\n')
    const d6 = await deploy(serviceId, `${repo}:v2`)
    expect(d6.status).toBe('succeeded')
    expect(await fetchText(port)).toBe('v2\n')
    dockerCli(env, ['rmi', '-f', images.v0!])

    const jobsBefore = (await api.get(`/v1/jobs?serviceId=${serviceId}`)).json.length
    const refused = await api.post(`/v1/cicd/services/${serviceId}/rollback`, { deploymentId: d5.id })
    expect(refused.status, refused.text).toBe(409)
    expect(refused.json.error.code).toBe('image_gone')
    expect(refused.json.error.message).toContain(d5.id)
    expect((await api.get(`/v1/jobs?serviceId=${serviceId}`)).json.length).toBe(jobsBefore)
    // The default target is d5 too (the one before the current): the same refusal.
    expect((await api.post(`/v1/cicd/services/${serviceId}/rollback`, {})).json.error.code).toBe('image_gone')
    const preview = await api.get(`/v1/cicd/services/${serviceId}/rollback-preview?deploymentId=${d5.id}`)
    expect(preview.json.imageGone).toBe(true)
    expect(await fetchText(port)).toBe('v2\n')
  })

  it('keeps the images of recent deployments from a prune, and says who keeps them', async () => {
    // v4 runs once and is replaced: no container uses it, only the deployment record keeps it.
    const d7 = await deploy(serviceId, `${repo}:v4`)
    expect(d7.status).toBe('succeeded')
    const d8 = await deploy(serviceId, `${repo}:v2`)
    expect(d8.status).toBe('succeeded')
    // Their tags moved to other builds, both are dangling: the engine's own prune would remove both.
    await buildImage('v4-next', { tag: `${repo}:v4` })
    const junk = await buildImage('junk', { tag: `${repo}:junk` })
    await buildImage('junk-next', { tag: `${repo}:junk` })
    const dangling = dockerCli(env, ['images', '-q', '--no-trunc', '--filter', 'dangling=true'])
    expect(dangling).toContain(images.v4)
    expect(dangling).toContain(junk)

    const listed = (await api.get(`/v1/hosts/${hostId}/images`)).json as Json[]
    expect(listed.find((i) => i.id === images.v4)?.protectedBy).toBe(`deploys-${suffix}/web`)
    expect(listed.find((i) => i.id === junk)?.protectedBy ?? null).toBeNull()

    const preview = await api.get(`/v1/hosts/${hostId}/images-prune?label=${encodeURIComponent(testLabel)}`)
    const planned = (preview.json.items as Json[]).map((i) => i.id)
    expect(planned).toContain(junk)
    expect(planned).not.toContain(images.v4)

    const pruned = await api.post(`/v1/hosts/${hostId}/images/prune?label=${encodeURIComponent(testLabel)}`)
    expect(pruned.status, pruned.text).toBe(200)
    expect(pruned.json.removed).toContain(junk)
    expect(pruned.json.removed).not.toContain(images.v4)
    expect(dockerCli(env, ['image', 'inspect', '--format', '{{.Id}}', images.v4!])).toBe(images.v4)

    const removal = await api.delete(`/v1/hosts/${hostId}/images/${encodeURIComponent(images.v4!)}`)
    expect(removal.status, removal.text).toBe(409)
    expect(removal.json.error.message).toContain(`deploys-${suffix}/web`)

    // And the rollback to it still works, by id, without its tag.
    const back = await rollback(serviceId, d7.id)
    expect(back.status, JSON.stringify(back.error)).toBe('succeeded')
    expect(await fetchText(port)).toBe('v4\n')
  })

  it('lets a viewer read deployments but not deploy or roll back; a deployer may', async () => {
    const viewer = await api.post('/v1/tokens', { name: `viewer-${suffix}`, role: 'viewer' })
    const deployer = await api.post('/v1/tokens', { name: `deployer-${suffix}`, role: 'deployer' })
    const asViewer = apiClient(serve.url, viewer.json.token)
    const asDeployer = apiClient(serve.url, deployer.json.token)
    expect((await asViewer.get(`/v1/cicd/services/${serviceId}/deployments`)).status).toBe(200)
    expect((await asViewer.get(`/v1/cicd/deployments/${deployments[0]!.id}`)).status).toBe(200)
    expect((await asViewer.get(`/v1/cicd/services/${serviceId}/rollback-preview`)).status).toBe(200)
    expect((await asViewer.post(`/v1/cicd/services/${serviceId}/deploy`, { imageTag: `${repo}:v1` })).status).toBe(403)
    expect((await asViewer.post(`/v1/cicd/services/${serviceId}/rollback`, {})).status).toBe(403)
    const byDeployer = await deploy(serviceId, `${repo}:v1`, asDeployer)
    expect(byDeployer.status).toBe('succeeded')
    expect(await fetchText(port)).toBe('v1\n')
  })
})

describe('a deployment that does not become healthy', () => {
  it('leaves the old version serving (stop-first) and keeps the probe output and the log tail', async () => {
    const port = await freePort()
    const serviceId = await createService({
      name: 'checked',
      image: `${repo}:v1`,
      ...serverImage(port, {
        healthcheck: { type: 'command', command: ['test', '-f', '/www/ok'], interval: '300ms', retries: 2 },
      }),
    })
    const good = await deploy(serviceId, `${repo}:v1`)
    expect(good, JSON.stringify(good.error)).toMatchObject({ status: 'succeeded', health: { verdict: 'healthy' } })
    expect(await fetchText(port)).toBe('v1\n')

    const bad = await deploy(serviceId, `${repo}:bad`)
    expect(bad).toMatchObject({
      status: 'failed',
      strategy: 'stop-first',
      imageId: images.bad,
      current: false,
      error: { code: 'unhealthy' },
      health: { verdict: 'unhealthy' },
    })
    expect(bad.health.probeOutput.length).toBeGreaterThan(0)
    expect(bad.health.probeOutput.at(-1).exitCode).not.toBe(0)
    expect(bad.health.logTail).toContain('starting bad')
    expect(await fetchText(port)).toBe('v1\n')
    expect(containersOf(serviceId)).toEqual([good.containerId])
    const s = await settled(serviceId, good.containerId)
    expect(s.release.deploymentId).toBe(good.id)
    expect(s.status.drift).toEqual([])
  })

  it('cancelled while it waits for health: the old container serves again and no new one stays', async () => {
    const port = await freePort()
    const serviceId = await createService({
      name: 'slow',
      image: `${repo}:v1`,
      ...serverImage(port, {
        // The bad image has no /www/ok: its probe sleeps, so it stays `starting` until the cancel.
        healthcheck: {
          type: 'command',
          command: ['sh', '-c', 'test -f /www/ok || sleep 120'],
          interval: '300ms',
          timeout: '150s',
          retries: 1,
        },
      }),
    })
    const good = await deploy(serviceId, `${repo}:v1`)
    expect(good.status, JSON.stringify(good.error)).toBe('succeeded')
    const res = await api.post(`/v1/cicd/services/${serviceId}/deploy`, { imageTag: `${repo}:bad` })
    expect(res.status).toBe(202)
    await eventually(
      async () => (await job(res.json.jobId)).message === 'Waiting for the health check',
      30_000,
      'the gate',
    )
    expect(containersOf(serviceId)).toHaveLength(2)
    expect((await api.post(`/v1/jobs/${res.json.jobId}/cancel`)).status).toBe(200)
    expect((await finished(res.json.jobId)).status).toBe('canceled')
    const canceled = await deployment(res.json.deploymentId)
    expect(canceled).toMatchObject({ status: 'canceled', current: false })
    expect(await fetchText(port)).toBe('v1\n')
    expect(containersOf(serviceId)).toEqual([good.containerId])
    expect((await settled(serviceId, good.containerId)).status.drift).toEqual([])
  })
})

describe('glinrdock killed in the middle of a stop-first deployment', () => {
  it('after a restart the deployment is failed/interrupted and the old container serves again under its name', async () => {
    const port = await freePort()
    const serviceId = await createService({
      name: 'killed',
      image: `${repo}:v1`,
      ...serverImage(port, {
        healthcheck: {
          type: 'command',
          command: ['sh', '-c', 'test -f /www/ok || sleep 120'],
          interval: '300ms',
          timeout: '150s',
          retries: 1,
        },
      }),
    })
    const good = await deploy(serviceId, `${repo}:v1`)
    expect(good.status, JSON.stringify(good.error)).toBe('succeeded')
    const oldName = JSON.parse(dockerCli(env, ['inspect', good.containerId]))[0].Name
    const res = await api.post(`/v1/cicd/services/${serviceId}/deploy`, { imageTag: `${repo}:bad` })
    expect(res.status).toBe(202)
    await eventually(
      async () => (await job(res.json.jobId)).message === 'Waiting for the health check',
      30_000,
      'the gate',
    )
    // The old container is stopped and moved aside, the new one holds the name: the worst moment to die.
    expect(containersOf(serviceId)).toHaveLength(2)
    await serve.kill9()

    serve = await startServe({
      dataDir: serve.dataDir,
      adminToken: serve.adminToken,
      env: { GLINRDOCK_DEPLOY_STABLE_SECONDS: '1' },
    })
    api = apiClient(serve.url, serve.adminToken)
    expect(await job(res.json.jobId)).toMatchObject({ status: 'failed', error: { code: 'interrupted' } })
    expect(await deployment(res.json.deploymentId)).toMatchObject({
      status: 'failed',
      current: false,
      error: { code: 'interrupted' },
    })
    // Reconciled back to its release by a deploy job of its own, once the host is connected again.
    await eventually(async () => containersOf(serviceId).length === 1, 30_000, 'the new container removed')
    expect(containersOf(serviceId)).toEqual([good.containerId])
    expect(await fetchText(port)).toBe('v1\n')
    expect(JSON.parse(dockerCli(env, ['inspect', good.containerId]))[0].Name).toBe(oldName)
    const s = await settled(serviceId, good.containerId)
    expect(s.release.deploymentId).toBe(good.id)
    expect(s.status.drift).toEqual([])
  })
})

describe('a service without a fixed host port (start-first)', () => {
  it('starts the new container and waits for it to be healthy before the old one goes', async () => {
    const serviceId = await createService({
      name: 'inner',
      image: `${repo}:v1`,
      ports: [{ container: 8080 }],
      healthcheck: { type: 'command', command: ['test', '-f', '/www/ok'], interval: '300ms', retries: 2 },
    })
    const first = await deploy(serviceId, `${repo}:v1`)
    expect(first, JSON.stringify(first.error)).toMatchObject({ status: 'succeeded', strategy: 'start-first' })
    const since = dockerCli(env, ['system', 'info', '--format', '{{.SystemTime}}'])
    const second = await deploy(serviceId, `${repo}:v2`)
    expect(second, JSON.stringify(second.error)).toMatchObject({ status: 'succeeded', strategy: 'start-first' })
    const until = dockerCli(env, ['system', 'info', '--format', '{{.SystemTime}}'])
    // The engine's own order of events: the new one started and was healthy before the old one was stopped.
    const events = dockerCli(env, [
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      `label=io.glinrdock.service=${serviceId}`,
      '--filter',
      'type=container',
      '--format',
      '{{.Action}} {{.Actor.ID}}',
    ])
      .split('\n')
      .filter(Boolean)
    const at = (action: string, id: string) => events.findIndex((e) => e === `${action} ${id}`)
    expect(at('start', second.containerId), events.join('\n')).toBeGreaterThanOrEqual(0)
    expect(at('health_status: healthy', second.containerId)).toBeGreaterThan(at('start', second.containerId))
    expect(at('kill', first.containerId)).toBeGreaterThan(at('health_status: healthy', second.containerId))
    expect(at('destroy', first.containerId)).toBeGreaterThan(at('kill', first.containerId))
    expect(containersOf(serviceId)).toEqual([second.containerId])
    const s = await settled(serviceId, second.containerId)
    expect(s.status.containerName).toBe(`deploys-${suffix}-inner`)
    expect(s.status.drift).toEqual([])
  })
})

describe('a git service', () => {
  it('runs the image a deployment gave it: start is no longer refused with no_image', async () => {
    const serviceId = await createService({
      name: 'built',
      git: { url: 'https://example.invalid/app.git', ref: 'main' },
      ports: [{ container: 8080 }],
    })
    const refused = await api.post(`/v1/services/${serviceId}/start`)
    expect(refused.json.error?.code).toBe('no_image')
    const d = await deploy(serviceId, `${repo}:v2`)
    expect(d.status, JSON.stringify(d.error)).toBe('succeeded')
    await settled(serviceId, d.containerId)
    expect((await api.post(`/v1/services/${serviceId}/stop?t=1`)).status).toBe(204)
    await eventually(async () => (await service(serviceId)).status.state === 'exited')
    const started = await api.post(`/v1/services/${serviceId}/start`)
    expect(started.status, started.text).toBe(200)
    expect(started.json).toEqual({ jobId: null })
    const s = await settled(serviceId, d.containerId)
    expect(s.status.drift).toEqual([])
  })
})

describe('an image that is not on the engine yet', () => {
  it('is pulled with the stored registry login as part of the deployment, then pinned by id', async () => {
    // Through a relay of its own, the reference is new to the engine whatever other specs pulled.
    const relay = await SlowRelay.start(env.registryAddress, 64 * 1024 * 1024)
    const image = env.registryImage.replace(env.registryAddress, relay.address)
    pulled.push(image)
    try {
      const login = await api.post('/v1/registries', {
        server: relay.address,
        username: env.registryUser,
        password: env.registryPassword,
      })
      expect(login.status, login.text).toBe(201)
      const serviceId = await createService({
        name: 'pulled',
        image: `${repo}:v1`,
        command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"],
      })
      const d = await deploy(serviceId, image)
      expect(d, JSON.stringify(d.error)).toMatchObject({ status: 'succeeded', imageTag: image })
      expect(relay.bytes).toBeGreaterThan(0)
      expect(d.imageId).toBe(dockerCli(env, ['image', 'inspect', '--format', '{{.Id}}', image]))
      expect((await settled(serviceId, d.containerId)).status.imageId).toBe(d.imageId)
      await api.delete(`/v1/registries/${login.json.id}`)
    } finally {
      await relay.close()
    }
  })
})
