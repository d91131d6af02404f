import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { SlowRelay } from '../../../e2e/fixtures/slow-relay'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'

/** `POST /v1/hosts/:id/images/pull` runs a pull as a job on the real server, engine and registry. */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string

const removeImage = (ref: string): void => {
  try {
    dockerCli(env, ['rmi', ref])
  } catch {
    // not there
  }
}
const job = async (id: string) => (await api.get(`/v1/jobs/${id}`)).json
const finished = (id: string) =>
  eventually(async () => {
    const current = await job(id)
    return ['succeeded', 'failed', 'canceled'].includes(current.status) && current
  }, 30_000)

beforeAll(async () => {
  env = testbedEnv()
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  hostId = (await api.post('/v1/hosts', { name: 'local', socketPath: env.dockerSocket })).json.id
  await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
})

afterAll(async () => {
  await serve?.stop()
})

describe('image pulls as jobs', () => {
  it('fails a pull the registry refuses with registry_auth_failed, then succeeds with the stored login', async () => {
    // Through a relay of its own, so the reference is this test's alone (other specs pull the same image).
    const relay = await SlowRelay.start(env.registryAddress, 64 * 1024 * 1024)
    const reference = env.registryImage.replace(env.registryAddress, relay.address)
    try {
      const refused = await api.post(`/v1/hosts/${hostId}/images/pull`, { reference })
      expect(refused.status).toBe(202)
      const failed = await finished(refused.json.jobId)
      expect(failed).toMatchObject({
        kind: 'image.pull',
        status: 'failed',
        hostId,
        error: { code: 'registry_auth_failed' },
      })
      expect(failed.error.message).toContain(relay.address)

      await api.post('/v1/registries', {
        server: relay.address,
        username: env.registryUser,
        password: env.registryPassword,
      })
      const started = await api.post(`/v1/hosts/${hostId}/images/pull`, { reference })
      const done = await finished(started.json.jobId)
      expect(done).toMatchObject({ status: 'succeeded', progress: 100, error: null })
      expect(dockerCli(env, ['image', 'inspect', '--format', '{{.Id}}', reference])).toMatch(/^sha256:/)
    } finally {
      await relay.close()
      removeImage(reference)
    }
  })

  it('refuses a hostile reference with 400 and starts no job', async () => {
    const before = (await api.get('/v1/jobs')).json.length
    for (const reference of ['../x', 'a//b', '-x', 'x y', '$(id)']) {
      const res = await api.post(`/v1/hosts/${hostId}/images/pull`, { reference })
      expect(res.status, reference).toBe(400)
      expect(res.json.error.field).toBe('reference')
    }
    expect((await api.get('/v1/jobs')).json.length).toBe(before)
  })

  it('leaves no pull running after kill -9: on restart the job is failed with interrupted', async () => {
    const relay = await SlowRelay.start(env.registryAddress, 64 * 1024)
    const reference = env.registryImage.replace(env.registryAddress, relay.address)
    try {
      await api.post('/v1/registries', {
        server: relay.address,
        username: env.registryUser,
        password: env.registryPassword,
      })
      const { jobId } = (await api.post(`/v1/hosts/${hostId}/images/pull`, { reference })).json
      await eventually(async () => (await job(jobId)).status === 'running' && relay.bytes > 0, 20_000)
      await serve.kill9()
      serve = await startServe({ dataDir: serve.dataDir })
      api = apiClient(serve.url, serve.adminToken)
      expect(await job(jobId)).toMatchObject({ status: 'failed', error: { code: 'interrupted' } })
    } finally {
      await relay.close()
      removeImage(reference)
    }
  })
})
