import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../../../e2e/fixtures/api-client'
import { SlowRelay } from '../../../e2e/fixtures/slow-relay'
import { dockerCli, testbedEnv, testbedSshHost, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { createCore, type Core } from '../../bootstrap'
import { createLogger } from '../../infra/logging/logger'
import { KeyFileWrapper } from '../../infra/secrets/key-file-wrapper'
import type { PullProgress } from './index'

/**
 * Image pulls from the test bed's registry (htpasswd auth, plain HTTP on loopback) onto the test bed's engine,
 * through an SSH host's tunnel, with the core in this process so the pull function itself is what runs.
 */
let env: TestbedEnv
let core: Core
let hostId: string
let dataDir: string
let logged = ''
const admin = { role: 'admin' as const, actor: 'test' }

async function call(method: string, input: unknown): Promise<any> {
  const result = await core.dispatcher.call(method, input, admin)
  if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`)
  return result.value
}

const addLogin = (server: string, password = env.registryPassword) =>
  call('registries.create', { server, username: env.registryUser, password }) as Promise<{ id: string }>

const imageExists = (ref: string): boolean => {
  try {
    dockerCli(env, ['image', 'inspect', ref])
    return true
  } catch {
    return false
  }
}
const removeImage = (ref: string): void => {
  if (imageExists(ref)) dockerCli(env, ['rmi', ref])
}
const proxied = (relay: SlowRelay): string => env.registryImage.replace(env.registryAddress, relay.address)

/** Every report with the time it arrived. */
function recorder() {
  const reports: (PullProgress & { at: number })[] = []
  return { reports, onProgress: (p: PullProgress) => reports.push({ ...p, at: performance.now() }) }
}

beforeAll(async () => {
  env = testbedEnv()
  removeImage(env.registryImage)
  dataDir = mkdtempSync(join(tmpdir(), 'gd-pull-core-'))
  core = await createCore({
    dataDir,
    mode: 'headless',
    logger: createLogger({ level: 'trace', destination: { write: (line: string) => void (logged += line) } }),
    keyWrapper: (dir) => new KeyFileWrapper(join(dir, 'secret.key')),
    env: { ...process.env, HOME: dataDir },
  })
  hostId = (await call('hosts.create', testbedSshHost(env))).id
  await eventually(async () => core.hosts.get(hostId).state === 'connected', 20_000, 'host connected')
})

afterAll(() => {
  core?.dispose()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('pulling images with stored registry logins', () => {
  it('fails with registry_auth_failed naming the registry when no login is stored for it', async () => {
    const err = await core.imagePulls.pullImage(hostId, env.registryImage).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'registry_auth_failed',
      message: expect.stringContaining(`Registry ${env.registryAddress} requires credentials`),
    })
    expect((err as Error).message).toContain('no basic auth credentials')
    expect(imageExists(env.registryImage)).toBe(false)
  })

  it('fails with registry_auth_failed naming the registry when the stored password is wrong', async () => {
    const login = await addLogin(env.registryAddress, 'not-the-password')
    try {
      const err = await core.imagePulls.pullImage(hostId, env.registryImage).catch((e: unknown) => e)
      expect(err).toMatchObject({
        code: 'registry_auth_failed',
        message: expect.stringContaining(
          `Registry ${env.registryAddress} refused the credentials stored for user "${env.registryUser}"`,
        ),
      })
    } finally {
      await call('registries.remove', { id: login.id })
    }
  })

  it('pulls the registry image through the SSH tunnel with the stored login, ending at 100', async () => {
    const login = await addLogin(env.registryAddress)
    try {
      const { reports, onProgress } = recorder()
      const outcome = await core.imagePulls.pullImage(hostId, env.registryImage, { onProgress })
      expect(outcome).toMatchObject({
        image: env.registryImage,
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        upToDate: false,
        status: `Status: Downloaded newer image for ${env.registryImage}`,
      })
      expect(imageExists(env.registryImage)).toBe(true)
      const percents = reports.map((r) => r.percent)
      expect(percents).toEqual([...percents].sort((a, b) => a - b))
      expect(percents.at(-1)).toBe(100)
      expect(percents.filter((p) => p === 100)).toHaveLength(1)
      // Pulled again: nothing to download, and still a clean 100.
      const again = await core.imagePulls.pullImage(hostId, env.registryImage, recorder())
      expect(again.upToDate).toBe(true)
    } finally {
      removeImage(env.registryImage)
      await call('registries.remove', { id: login.id })
    }
  })

  it('reports a slow pull as increasing percentages at most every 200 ms', async () => {
    const relay = await SlowRelay.start(env.registryAddress, 400_000)
    const login = await addLogin(relay.address)
    const image = proxied(relay)
    try {
      const { reports, onProgress } = recorder()
      await core.imagePulls.pullImage(hostId, image, { onProgress })
      const percents = reports.map((r) => r.percent)
      expect(percents).toEqual([...percents].sort((a, b) => a - b))
      expect(new Set(percents.filter((p) => p > 0 && p < 100)).size).toBeGreaterThanOrEqual(3)
      expect(percents.at(-1)).toBe(100)
      // The final 100 is never held back; every other report keeps its distance (timers fire a hair early).
      const gaps = reports.slice(1, -1).map((r, i) => r.at - reports[i]!.at)
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(195)
      expect(reports.some((r) => /^Downloading 1 layer: .+ of 1\.1 MB$/.test(r.message))).toBe(true)
    } finally {
      removeImage(image)
      await call('registries.remove', { id: login.id })
      await relay.close()
    }
  })

  it('rejects promptly when aborted mid-download, and the engine stops downloading', async () => {
    const relay = await SlowRelay.start(env.registryAddress, 100_000)
    const login = await addLogin(relay.address)
    const image = proxied(relay)
    try {
      const controller = new AbortController()
      let abortedAt = 0
      const pulling = core.imagePulls.pullImage(hostId, image, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.percent > 0 && abortedAt === 0) {
            abortedAt = performance.now()
            controller.abort()
          }
        },
      })
      const err = await pulling.catch((e: unknown) => e)
      const rejectedIn = performance.now() - abortedAt
      expect(abortedAt).toBeGreaterThan(0)
      expect(err).toMatchObject({ code: 'internal', message: `Pull of ${image} was canceled before it finished` })
      expect(rejectedIn).toBeLessThan(200)
      // The engine notices its client went away and cancels the download: bytes stop flowing from the registry.
      const settledBytes = await eventually(
        async () => {
          const before = relay.bytes
          await new Promise((resolve) => setTimeout(resolve, 700))
          return relay.bytes === before && relay.bytes + 1
        },
        10_000,
        'the download to stop',
      )
      expect(settledBytes - 1).toBeLessThan(1_069_016)
      expect(imageExists(image)).toBe(false)
    } finally {
      removeImage(image)
      await call('registries.remove', { id: login.id })
      await relay.close()
    }
  })

  it('refuses a malformed reference before reaching the engine, naming the field', async () => {
    for (const ref of ['', 'a b', '../x', `sha256:${'0'.repeat(64)}`]) {
      await expect(core.imagePulls.pullImage(hostId, ref)).rejects.toMatchObject({
        code: 'validation',
        field: 'reference',
      })
    }
    await expect(core.imagePulls.pullImage('nohostnohost', 'busybox')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('never logs the registry password', () => {
    expect(logged.length).toBeGreaterThan(0)
    expect(logged).toContain('image pulled')
    expect(logged).not.toContain(env.registryPassword)
  })
})
