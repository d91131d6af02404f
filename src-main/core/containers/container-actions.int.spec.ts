import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { dockerCli, testbedEnv, testContainers, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { wsClient } from '../../../e2e/fixtures/ws-client'

let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string
let containers: ReturnType<typeof testContainers>
const suffix = `${process.pid}-${Date.now()}`

const state = (name: string): { Status: string; Paused: boolean; ExitCode: number } =>
  JSON.parse(dockerCli(env, ['inspect', '--format', '{{json .State}}', name]))
const action = (name: string, verb: string, query = ''): Promise<{ status: number; json: any }> =>
  api.post(`/v1/hosts/${hostId}/containers/${name}/${verb}${query}`)

beforeAll(async () => {
  env = testbedEnv()
  containers = testContainers(env)
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  hostId = (await api.post('/v1/hosts', { name: 'local', socketPath: env.dockerSocket })).json.id
  await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
})

afterAll(async () => {
  containers?.removeAll()
  await serve?.stop()
})

describe('container actions over REST', () => {
  it('pauses and unpauses a running container, as docker inspect shows', async () => {
    const name = `gd-res-pause-${suffix}`
    containers.run(name, 'sleep 300')
    expect((await action(name, 'pause')).status).toBe(204)
    expect(state(name)).toMatchObject({ Status: 'paused', Paused: true })
    const again = await action(name, 'pause')
    expect(again.status).toBe(409)
    expect(again.json.error.code).toBe('conflict')
    expect((await action(name, 'unpause')).status).toBe(204)
    expect(state(name)).toMatchObject({ Status: 'running', Paused: false })
  })

  it('kills with SIGKILL by default and delivers a named or numbered signal', async () => {
    const plain = `gd-res-kill-${suffix}`
    containers.run(plain, 'sleep 300')
    expect((await action(plain, 'kill')).status).toBe(204)
    expect(state(plain)).toMatchObject({ Status: 'exited', ExitCode: 137 })

    // PID 1 ignores SIGTERM unless it traps it: the trap's exit code proves which signal arrived.
    const trapping = `gd-res-term-${suffix}`
    containers.run(trapping, 'trap "exit 3" TERM; while true; do sleep 0.1; done')
    expect((await action(trapping, 'kill', '?signal=SIGTERM')).status).toBe(204)
    await eventually(async () => state(trapping).Status === 'exited', 10_000, 'exit on SIGTERM')
    expect(state(trapping).ExitCode).toBe(3)

    const numbered = `gd-res-usr1-${suffix}`
    containers.run(numbered, 'trap "exit 10" USR1; while true; do sleep 0.1; done')
    expect((await action(numbered, 'kill', '?signal=10')).status).toBe(204)
    await eventually(async () => state(numbered).Status === 'exited', 10_000, 'exit on signal 10')
    expect(state(numbered).ExitCode).toBe(10)
  })

  it.each(['KILL', 'SIG-KILL', 'sigkill', '65', '0', 'SIGKILL;id', ''])(
    'refuses the signal %j with 400 naming the field, leaving the container running',
    async (signal) => {
      const name = `gd-res-badsig-${suffix}`
      if (!dockerCli(env, ['ps', '-aq', '--filter', `name=^${name}$`])) containers.run(name, 'sleep 300')
      const res = await action(name, 'kill', `?signal=${encodeURIComponent(signal)}`)
      expect(res.status).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field: 'signal' })
      expect(state(name).Status).toBe('running')
    },
  )

  it('lets a viewer do none of them', async () => {
    const name = `gd-res-viewer-${suffix}`
    containers.run(name, 'sleep 300')
    const viewer = (await api.post('/v1/tokens', { name: 'viewer', role: 'viewer' })).json.token
    const asViewer = apiClient(serve.url, viewer)
    for (const verb of ['kill', 'pause', 'unpause']) {
      expect((await asViewer.post(`/v1/hosts/${hostId}/containers/${name}/${verb}`)).status).toBe(403)
    }
    expect(state(name).Status).toBe('running')
  })
})

describe('exec as another user', () => {
  const execOutput = async (params: Record<string, unknown>): Promise<string> => {
    const client = await wsClient(serve.url, serve.adminToken)
    const streamId = client.openStream('containers.exec', params)
    let output = ''
    client.onMessage((m) => {
      if (m.id === streamId && m.type === 'stream.data') output += m.data.data
    })
    const end = await client.next((m) => m.type === 'stream.end' && m.id === streamId)
    client.close()
    expect(end.error).toBeUndefined()
    return output
  }

  it('runs the command as the given user', async () => {
    const name = `gd-res-exec-${suffix}`
    containers.run(name, 'sleep 300')
    expect((await execOutput({ hostId, containerId: name, command: ['id', '-u'], user: 'nobody' })).trim()).toBe(
      '65534',
    )
    expect((await execOutput({ hostId, containerId: name, command: ['id', '-u'], user: '1234:1234' })).trim()).toBe(
      '1234',
    )
    expect((await execOutput({ hostId, containerId: name, command: ['id', '-u'] })).trim()).toBe('0')
  })

  it.each(['-u root', 'root group', 'a:b:c', '$(id)', ''])(
    'refuses the user %j before opening a terminal',
    async (user) => {
      const client = await wsClient(serve.url, serve.adminToken)
      const streamId = client.openStream('containers.exec', { hostId, containerId: 'gd-res-none', user })
      const answer = await client.next((m) => m.id === streamId && m.type !== 'stream.data')
      client.close()
      expect(JSON.stringify(answer)).toContain('validation')
      expect(JSON.stringify(answer)).toContain('user')
    },
  )
})
