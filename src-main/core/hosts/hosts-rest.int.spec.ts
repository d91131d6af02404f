import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import {
  dockerCli,
  testbedEnv,
  testbedSshHost,
  testContainers,
  type TestbedEnv,
} from '../../../e2e/fixtures/testbed-env'
import { addTestbedHost } from '../../../e2e/fixtures/testbed-host'
import { execFileSync } from 'node:child_process'

let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let sshHostId: string
let containers: ReturnType<typeof testContainers>

const sshBody = (extra: Record<string, unknown> = {}) => ({
  ...(testbedSshHost(env).ssh as Record<string, unknown>),
  ...extra,
})
const runContainer = (name: string, script: string): string => containers.run(name, script)

beforeAll(async () => {
  env = testbedEnv()
  containers = testContainers(env)
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  sshHostId = await addTestbedHost(serve, env)
})

afterAll(async () => {
  containers?.removeAll()
  await serve?.stop()
})

describe('hosts over REST', () => {
  it('probes the SSH server and returns exactly the fingerprint ssh-keygen prints', async () => {
    const res = await api.post('/v1/hosts/probe', { ssh: { host: env.sshHost, port: env.sshPort, username: 'x' } })
    expect(res.status).toBe(200)
    const keygen = execFileSync('ssh-keygen', ['-lf', env.hostKeyPub, '-E', 'sha256'], { encoding: 'utf8' }).split(
      ' ',
    )[1]
    expect(res.json).toEqual({ hostKeyFingerprint: keygen, keyType: 'ssh-ed25519', knownHosts: 'unknown' })
    expect(keygen).toBe(env.hostKeyFingerprint)
  })

  it('refuses an SSH host without a confirmed fingerprint, and one whose fingerprint differs', async () => {
    const unconfirmed = await api.post('/v1/hosts', {
      name: 'unconfirmed',
      ssh: sshBody({ hostKeyFingerprint: undefined }),
    })
    expect(unconfirmed.status).toBe(400)
    expect(unconfirmed.json.error).toMatchObject({ code: 'validation', field: 'ssh.hostKeyFingerprint' })
    const wrong = await api.post('/v1/hosts', {
      name: 'wrong',
      ssh: sshBody({ hostKeyFingerprint: 'SHA256:' + 'A'.repeat(43) }),
    })
    expect(wrong.status).toBe(409)
    expect(wrong.json.error.code).toBe('host_key_mismatch')
    expect((await api.get('/v1/hosts')).json.map((h: { name: string }) => h.name)).toEqual(['remote'])
  })

  it('accepts a host key that ~/.ssh/known_hosts already vouches for, hashed entry included', async () => {
    mkdirSync(join(serve.dataDir, '.ssh'), { recursive: true })
    const knownHosts = join(serve.dataDir, '.ssh', 'known_hosts')
    copyFileSync(env.knownHosts, knownHosts)
    execFileSync('ssh-keygen', ['-H', '-f', knownHosts], { stdio: 'ignore' })
    expect(readFileSync(knownHosts, 'utf8')).toMatch(/^\|1\|/)
    const probe = await api.post('/v1/hosts/probe', { ssh: { host: env.sshHost, port: env.sshPort } })
    expect(probe.json.knownHosts).toBe('match')
    const res = await api.post('/v1/hosts', {
      name: 'known',
      socketPath: env.remoteSocketPath,
      ssh: sshBody({ hostKeyFingerprint: undefined }),
    })
    expect(res.status, res.text).toBe(201)
    expect(res.json.ssh.hostKeyFingerprint).toBe(env.hostKeyFingerprint)
    expect((await api.delete(`/v1/hosts/${res.json.id}`)).status).toBe(204)
    rmSync(knownHosts)
  })

  it('re-pins a host key only when the confirmed fingerprint is what the server presents', async () => {
    const wrong = await api.put(`/v1/hosts/${sshHostId}/host-key`, { hostKeyFingerprint: 'SHA256:' + 'B'.repeat(43) })
    expect(wrong.status).toBe(409)
    expect(wrong.json.error).toMatchObject({ code: 'host_key_mismatch', field: 'hostKeyFingerprint' })
    const right = await api.put(`/v1/hosts/${sshHostId}/host-key`, { hostKeyFingerprint: env.hostKeyFingerprint })
    expect(right.status).toBe(200)
    expect(right.json.ssh.hostKeyFingerprint).toBe(env.hostKeyFingerprint)
    await eventually(async () => (await api.get(`/v1/hosts/${sshHostId}`)).json.state === 'connected', 20_000)
  })

  it('validates host bodies at the boundary', async () => {
    const bad = await api.post('/v1/hosts', { name: 'x', ssh: sshBody({ host: 'bad host;rm -rf /' }) })
    expect(bad.json.error).toMatchObject({ code: 'validation', field: 'ssh.host' })
    const twoAuths = await api.post('/v1/hosts', { name: 'x', ssh: sshBody({ password: 'pw' }) })
    expect(twoAuths.json.error).toMatchObject({ code: 'validation', field: 'ssh.password' })
    const relative = await api.post('/v1/hosts', { name: 'x', socketPath: 'docker.sock' })
    expect(relative.json.error).toMatchObject({ code: 'validation', field: 'socketPath' })
  })

  it('lists the same containers as `docker ps -a`, through the tunnel', async () => {
    runContainer(`gd-list-${Date.now()}`, 'sleep 300')
    const expected = dockerCli(env, ['ps', '-a', '--no-trunc', '--format', '{{.ID}}'])
      .split('\n')
      .filter(Boolean)
      .sort()
    const res = await api.get(`/v1/hosts/${sshHostId}/containers`)
    expect(res.status).toBe(200)
    expect(res.json.map((c: { id: string }) => c.id).sort()).toEqual(expected)
  })

  it('starts, stops, restarts and removes a container', async () => {
    const name = `gd-life-${Date.now()}`
    const id = runContainer(name, 'trap "exit 0" TERM; while true; do sleep 0.2; done')
    const state = () => dockerCli(env, ['inspect', '-f', '{{.State.Status}}', id])
    expect((await api.post(`/v1/hosts/${sshHostId}/containers/${name}/stop?t=2`)).status).toBe(204)
    expect(state()).toBe('exited')
    expect((await api.post(`/v1/hosts/${sshHostId}/containers/${id}/stop`)).status).toBe(204) // already stopped
    expect((await api.post(`/v1/hosts/${sshHostId}/containers/${id}/start`)).status).toBe(204)
    expect(state()).toBe('running')
    const startedAt = dockerCli(env, ['inspect', '-f', '{{.State.StartedAt}}', id])
    expect((await api.post(`/v1/hosts/${sshHostId}/containers/${id}/restart?t=1`)).status).toBe(204)
    expect(dockerCli(env, ['inspect', '-f', '{{.State.StartedAt}}', id])).not.toBe(startedAt)
    expect((await api.delete(`/v1/hosts/${sshHostId}/containers/${id}`)).status).toBe(409)
    expect((await api.delete(`/v1/hosts/${sshHostId}/containers/${id}?force=true`)).status).toBe(204)
    expect(() => dockerCli(env, ['inspect', id])).toThrow()
  })

  it('returns demultiplexed logs as plain text, stdout and stderr both present, with timestamps on request', async () => {
    const name = `gd-logs-${Date.now()}`
    runContainer(name, 'echo out-1; echo err-1 >&2; echo out-2; sleep 300')
    await eventually(async () =>
      (await api.get(`/v1/hosts/${sshHostId}/containers/${name}/logs`)).text.includes('out-2'),
    )
    const plain = await api.get(`/v1/hosts/${sshHostId}/containers/${name}/logs?tail=all`)
    expect(plain.text.split('\n').filter(Boolean).sort()).toEqual(['err-1', 'out-1', 'out-2'])
    const stamped = await api.get(`/v1/hosts/${sshHostId}/containers/${name}/logs?timestamps=1&tail=1`)
    expect(stamped.text).toMatch(/^\d{4}-\d\d-\d\dT\S+Z (out-2|err-1)\n$/)
    const inspect = await api.get(`/v1/hosts/${sshHostId}/containers/${name}`)
    expect(inspect.json.Name).toBe(`/${name}`)
  })

  it('answers a stats sample with CPU and memory computed like docker stats', async () => {
    const name = `gd-stats-${Date.now()}`
    runContainer(name, 'while true; do :; done')
    const res = await api.get(`/v1/hosts/${sshHostId}/containers/${name}/stats`)
    expect(res.status).toBe(200)
    expect(res.json.cpuPercent).toBeGreaterThan(5)
    expect(res.json.memoryUsage).toBeGreaterThan(0)
    expect(res.json.memoryLimit).toBeGreaterThan(res.json.memoryUsage)
  })

  it('answers 404 for an unknown container and host, 502 for an unreachable engine', async () => {
    const missing = await api.get(`/v1/hosts/${sshHostId}/containers/does-not-exist`)
    expect(missing.status).toBe(404)
    expect(missing.json.error.code).toBe('not_found')
    expect((await api.get('/v1/hosts/zzzzzzzzzzzz/containers')).status).toBe(404)
    const dead = await api.post('/v1/hosts', { name: 'dead-local', socketPath: '/nonexistent/docker.sock' })
    expect(dead.status).toBe(201)
    const res = await api.get(`/v1/hosts/${dead.json.id}/containers`)
    expect(res.status).toBe(502)
    expect(res.json.error).toMatchObject({
      code: 'docker_unreachable',
      message: expect.stringMatching(/ENOENT|no such|nonexistent/i),
    })
    expect((await api.delete(`/v1/hosts/${dead.json.id}`)).status).toBe(204)
  })

  it('adds the local engine by socket path and reports every host in /v1/system', async () => {
    const local = await api.post('/v1/hosts', { name: 'local', socketPath: env.dockerSocket })
    expect(local.status).toBe(201)
    await eventually(async () => (await api.get(`/v1/hosts/${local.json.id}`)).json.state === 'connected')
    const system = await api.get('/v1/system')
    const version = dockerCli(env, ['version', '--format', '{{.Server.Version}}'])
    expect(system.json.hosts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'remote', state: 'connected', dockerVersion: version }),
        expect.objectContaining({ name: 'local', state: 'connected', dockerVersion: version }),
      ]),
    )
    expect((await api.delete(`/v1/hosts/${local.json.id}`)).status).toBe(204)
  })

  it('never stores the SSH secret in clear, and never returns it', async () => {
    const key = readFileSync(env.clientKey, 'utf8')
    const res = await api.post('/v1/hosts', {
      name: 'pasted',
      socketPath: env.remoteSocketPath,
      ssh: sshBody({ privateKeyPath: undefined, privateKey: key }),
    })
    expect(res.status, res.text).toBe(201)
    const body = JSON.stringify((await api.get('/v1/hosts')).json)
    const keyBody = key.split('\n')[1]!
    expect(body).not.toContain(keyBody)
    const db = readFileSync(`${serve.dataDir}/glinrdock.db`)
    const wal = readFileSync(`${serve.dataDir}/glinrdock.db-wal`)
    expect(db.includes(keyBody) || wal.includes(keyBody)).toBe(false)
    await eventually(async () => (await api.get(`/v1/hosts/${res.json.id}`)).json.state === 'connected')
    expect((await api.delete(`/v1/hosts/${res.json.id}`)).status).toBe(204)
  })
})
