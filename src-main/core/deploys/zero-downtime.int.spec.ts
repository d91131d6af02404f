import BetterSqlite3 from 'better-sqlite3'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { freePort } from '../../../e2e/fixtures/free-port'
import { startRequestLoop, type LoopResult } from '../../../e2e/fixtures/request-loop'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { dockerCli, testbedEnv, testbedSshHost, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { nginxImage, removeProxyObjects } from '../../../e2e/fixtures/testbed-proxy'
import { buildVersionImage } from '../../../e2e/fixtures/version-image'

/**
 * Zero-downtime deploys behind the proxy, on the real server, with the engine reached over SSH and the host's real
 * nginx proxy: a bounded request loop runs through the proxy while a new version is deployed, rolled back, and
 * while a version that never becomes healthy is refused. Not one request may fail in any of them.
 */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let projectId: string | undefined
let serviceId: string
let httpPort: number
const suffix = Math.random().toString(36).slice(2, 8)
const repo = `gd-zdt-${suffix}`
const testLabel = `glinrdock.test=${suffix}`
const proxyName = `gd-zdt-proxy-${suffix}`
const domain = `zdt-${suffix}.example.com`
const MAX_REQUESTS = 200_000

type Json = Record<string, any>

/**
 * One GET through the proxy with the route's Host header: the version that answered. On a fresh connection: a
 * kept-alive one can hang up when nginx reloads and closes its idle ones (the request loop retries that case).
 */
function viaProxy(): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: httpPort, path: '/', headers: { Host: domain }, agent: false }
    const req = httpRequest(options, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }))
    })
    req.on('error', reject)
    req.end()
  })
}

const finished = (jobId: string): Promise<Json> =>
  eventually(
    async () => {
      const job = (await api.get(`/v1/jobs/${jobId}`)).json
      return ['succeeded', 'failed', 'canceled'].includes(job.status) && job
    },
    60_000,
    `job ${jobId}`,
  )

/** A read of the server's store (read-only, beside the running server). */
function readStore<T>(read: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(join(serve.dataDir, 'glinrdock.db'), { readonly: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}

/** The job's kept log lines, read from the server's store (the UI streams the same rows). */
const jobLog = (jobId: string): string =>
  readStore(
    (db) =>
      db.prepare('SELECT text FROM job_log_lines WHERE job_id = ? ORDER BY seq').all(jobId) as {
        text: string
      }[],
  )
    .map((row) => row.text)
    .join('\n')

/** The service's newest deployment, for a start that answered only its job. */
const latestDeploymentId = (): string =>
  readStore(
    (db) =>
      db
        .prepare('SELECT id FROM deployments WHERE service_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
        .get(serviceId) as { id: string },
  ).id

const containersOf = (id: string): string[] =>
  dockerCli(env, ['ps', '-aq', '--no-trunc', '--filter', `label=io.glinrdock.service=${id}`])
    .split('\n')
    .filter(Boolean)

/** Runs `start` (a deploy, a rollback, a start) while the loop sends requests through the proxy; answers both ends. */
async function underLoad(start: () => Promise<{ status: number; json: Json; text: string }>) {
  const loop = startRequestLoop({ port: httpPort, host: domain, maxRequests: MAX_REQUESTS })
  await eventually(async () => loop.snapshot().ok > 20, 10_000, 'traffic before the deploy')
  const res = await start()
  expect(res.status, res.text).toBe(202)
  const job = await finished(res.json.jobId)
  const afterJob = loop.snapshot().ok
  // A little traffic after the job, so the old container's removal is inside the measured window too.
  await eventually(async () => loop.snapshot().ok > afterJob + 50, 10_000, 'traffic after the deploy')
  const result: LoopResult = await loop.stop()
  expect(result.ok + result.failed, 'the loop ran out of requests before the deploy ended').toBeLessThan(MAX_REQUESTS)
  const deploymentId = (res.json.deploymentId as string | undefined) ?? latestDeploymentId()
  const deployment = (await api.get(`/v1/cicd/deployments/${deploymentId}`)).json
  return { job, result, deployment, log: jobLog(res.json.jobId) }
}

const bodiesOf = (result: LoopResult): string[] => [...result.bodies.keys()].sort()

beforeAll(async () => {
  env = testbedEnv()
  for (const version of ['v1', 'v2']) await buildVersionImage(env, { repo, version, label: testLabel })
  await buildVersionImage(env, { repo, version: 'v3', label: testLabel, ok: false })
  serve = await startServe({
    env: {
      GLINRDOCK_DEPLOY_STABLE_SECONDS: '1',
      GLINRDOCK_PROXY_NAME: proxyName,
      GLINRDOCK_PROXY_BIND: '127.0.0.1',
      GLINRDOCK_PROXY_DRAIN_SECONDS: '1',
    },
  })
  api = apiClient(serve.url, serve.adminToken)
  httpPort = await freePort()
  const host = await api.post('/v1/hosts', {
    ...testbedSshHost(env, 'zdt'),
    proxy: { image: nginxImage(env), httpPort, httpsPort: await freePort() },
  })
  expect(host.status, host.text).toBe(201)
  const hostId = host.json.id as string
  await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
  const project = await api.post('/v1/projects', { name: `gdzdt${suffix}`, hostId })
  expect(project.status, project.text).toBe(201)
  projectId = project.json.id
  // No host port: the proxy reaches the service on the project network, so two containers can run at once.
  const service = await api.post(`/v1/projects/${projectId}/services`, {
    name: 'web',
    image: `${repo}:v1`,
    healthcheck: { type: 'command', command: ['test', '-f', '/www/ok'], interval: '300ms', retries: 2 },
  })
  expect(service.status, service.text).toBe(201)
  serviceId = service.json.id
  const first = await api.post(`/v1/cicd/services/${serviceId}/deploy`, { imageTag: `${repo}:v1` })
  expect(first.status, first.text).toBe(202)
  expect((await finished(first.json.jobId)).status).toBe('succeeded')
  const route = await api.post('/v1/routes', { serviceId, domain, port: 8080 })
  expect(route.status, route.text).toBe(201)
  await eventually(async () => (await viaProxy()).body === 'v1', 15_000, 'the route serving v1')
}, 180_000)

afterAll(async () => {
  if (projectId) await api.delete(`/v1/projects/${projectId}?force=true&volumes=true`)
  await serve?.stop()
  if (!env) return
  removeProxyObjects(env, proxyName)
  for (const version of ['v1', 'v2', 'v3']) {
    try {
      dockerCli(env, ['rmi', '-f', `${repo}:${version}`])
    } catch {
      // Not built (the setup failed first).
    }
  }
})

describe('deploys behind the proxy', () => {
  it('deploys v2 start-first with no failed request: traffic switches, the old container drains, then goes', async () => {
    const before = containersOf(serviceId)
    expect(before).toHaveLength(1)
    const { job, result, deployment, log } = await underLoad(() =>
      api.post(`/v1/cicd/services/${serviceId}/deploy`, { imageTag: `${repo}:v2` }),
    )
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded')
    expect(deployment).toMatchObject({ status: 'succeeded', strategy: 'start-first' })
    expect(result.failed, result.errors.join('\n')).toBe(0)
    expect(bodiesOf(result)).toEqual(['v1', 'v2'])
    // The order the issue asks for, read from the job's own log.
    const steps = ['healthy', 'The proxy sends the service', 'finishes its open requests', 'Removing']
    const at = steps.map((step) => log.indexOf(step))
    expect(
      at.every((index) => index >= 0),
      log,
    ).toBe(true)
    expect(
      [...at].sort((a, b) => a - b),
      log,
    ).toEqual(at)
    for (let i = 0; i < 5; i++) expect(await viaProxy()).toEqual({ status: 200, body: 'v2' })
    const after = containersOf(serviceId)
    expect(after).toEqual([deployment.containerId])
    expect(after).not.toContain(before[0])
  })

  it('rolls back to v1 by the same path, with no failed request', async () => {
    const { job, result, deployment } = await underLoad(() => api.post(`/v1/cicd/services/${serviceId}/rollback`, {}))
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded')
    expect(deployment).toMatchObject({ status: 'succeeded', strategy: 'start-first', imageTag: `${repo}:v1` })
    expect(result.failed, result.errors.join('\n')).toBe(0)
    expect(bodiesOf(result)).toEqual(['v1', 'v2'])
    for (let i = 0; i < 5; i++) expect(await viaProxy()).toEqual({ status: 200, body: 'v1' })
    expect(containersOf(serviceId)).toEqual([deployment.containerId])
  })

  it('re-applies an edited spec on Start by the same path, with no failed request and no drift left', async () => {
    const serving = containersOf(serviceId)
    const edited = await api.patch(`/v1/services/${serviceId}`, { env: [{ key: 'REAPPLIED', value: 'yes' }] })
    expect(edited.status, edited.text).toBe(200)
    const drifted = (await api.get(`/v1/services/${serviceId}`)).json
    expect(drifted.status.drift.map((d: Json) => d.kind)).toContain('spec_changed')

    const { job, result, deployment } = await underLoad(() => api.post(`/v1/services/${serviceId}/start`))
    expect(job, JSON.stringify(job.error)).toMatchObject({ kind: 'service.release', status: 'succeeded' })
    expect(deployment).toMatchObject({ status: 'succeeded', strategy: 'start-first', imageTag: `${repo}:v1` })
    expect(result.failed, result.errors.join('\n')).toBe(0)
    expect(bodiesOf(result)).toEqual(['v1'])
    const now = containersOf(serviceId)
    expect(now).toEqual([deployment.containerId])
    expect(now).not.toEqual(serving)
    expect(dockerCli(env, ['inspect', '--format', '{{json .Config.Env}}', now[0]!])).toContain('REAPPLIED=yes')
    await eventually(
      async () => (await api.get(`/v1/services/${serviceId}`)).json.status.drift.length === 0,
      10_000,
      'no drift after the re-apply',
    )
  })

  it('refuses v3, which never becomes healthy, before any request reaches it', async () => {
    const serving = containersOf(serviceId)
    const { job, result, deployment } = await underLoad(() =>
      api.post(`/v1/cicd/services/${serviceId}/deploy`, { imageTag: `${repo}:v3` }),
    )
    expect(job.status).toBe('failed')
    expect(deployment).toMatchObject({ status: 'failed', error: { code: 'unhealthy' } })
    expect(result.failed, result.errors.join('\n')).toBe(0)
    expect(bodiesOf(result)).toEqual(['v1'])
    expect(containersOf(serviceId)).toEqual(serving)
  })
})
