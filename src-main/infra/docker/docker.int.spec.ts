import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testbedEnv } from '../../../e2e/fixtures/testbed-env'
import { AppError } from '../../core/shared/app-error'
import {
  compareApiVersions,
  computeStats,
  createDockerClient,
  demuxAll,
  fetchLogs,
  followLogs,
  mapDockerError,
  MAX_API_VERSION,
  watchEvents,
  type DockerClient,
  type DockerEvent,
  type LogLine,
} from './index'

const execFileAsync = promisify(execFile)

// Throws when the test bed is not up: these specs fail loudly rather than skip.
const env = testbedEnv()
const RUN = randomUUID()
const LABELS = { 'glinrdock.test': '1', 'glinrdock.test.run': RUN }
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/
let client: DockerClient
let docker: Dockerode

async function runContainer(script: string, options: { tty?: boolean; labels?: Record<string, string> } = {}) {
  const container = await docker.createContainer({
    Image: env.busyboxImage,
    Cmd: ['sh', '-c', script],
    Tty: options.tty ?? false,
    Labels: { ...LABELS, ...options.labels },
  })
  await container.start()
  return container
}

/** A promise settled from callbacks, failing with a clear message when nothing happens in time. */
function waitFor<T>(
  what: string,
  ms: number,
  executor: (resolve: (v: T) => void, reject: (err: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolvePromise, rejectPromise) => {
    const timer = setTimeout(() => rejectPromise(new Error(`timed out waiting for ${what}`)), ms)
    executor(
      (v) => {
        clearTimeout(timer)
        resolvePromise(v)
      },
      (err) => {
        clearTimeout(timer)
        rejectPromise(err)
      },
    )
  })
}

beforeAll(async () => {
  client = await createDockerClient({ socketPath: env.dockerSocket })
  docker = client.docker
})

afterAll(async () => {
  if (!docker) return
  // Every container of this run, including the ones the docker CLI started, carries the run label.
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`glinrdock.test.run=${RUN}`] } })
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })))
})

describe('createDockerClient', () => {
  it('negotiates min(engine API, ours) and pins every request to it', async () => {
    const { stdout } = await execFileAsync('docker', [
      '-H',
      `unix://${env.dockerSocket}`,
      'version',
      '-f',
      '{{.Server.APIVersion}}',
    ])
    const serverApi = stdout.trim()
    const expected = compareApiVersions(serverApi, MAX_API_VERSION) < 0 ? serverApi : MAX_API_VERSION
    expect(client.apiVersion).toBe(expected)
    expect(client.engineVersion).toMatch(/^\d+\.\d+/)
    expect((docker.modem as unknown as { version: string }).version).toBe(`v${client.apiVersion}`)
    expect(Array.isArray(await docker.listContainers())).toBe(true)
  })

  it('ignores a DOCKER_HOST in the environment, which docker-modem would otherwise prefer over socketPath', async () => {
    const saved = process.env.DOCKER_HOST
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:9'
    try {
      const viaSocket = await createDockerClient({ socketPath: env.dockerSocket })
      expect(viaSocket.apiVersion).toBe(client.apiVersion)
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST
      else process.env.DOCKER_HOST = saved
    }
  })

  it('talks HTTP through a caller-supplied agent (the SSH tunnel case)', async () => {
    let connections = 0
    const agent = Object.assign(new http.Agent({ keepAlive: true }), {
      createConnection: () => {
        connections++
        return net.connect(env.dockerSocket)
      },
    })
    const viaAgent = await createDockerClient({ agent })
    expect(viaAgent.apiVersion).toBe(client.apiVersion)
    await viaAgent.docker.listContainers()
    expect(connections).toBeGreaterThan(0)
    agent.destroy()
  })

  it('reports docker_unreachable for a missing socket, a dead socket and a silent one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-docker-'))
    await expect(createDockerClient({ socketPath: join(dir, 'missing.sock') })).rejects.toMatchObject({
      code: 'docker_unreachable',
    })
    writeFileSync(join(dir, 'file.sock'), '')
    await expect(createDockerClient({ socketPath: join(dir, 'file.sock') })).rejects.toMatchObject({
      code: 'docker_unreachable',
    })
    const silent = net.createServer(() => {}).listen(join(dir, 'silent.sock'))
    await new Promise((r) => silent.once('listening', r))
    const started = Date.now()
    await expect(
      createDockerClient({ socketPath: join(dir, 'silent.sock') }, { timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'docker_unreachable' })
    expect(Date.now() - started).toBeLessThan(5000)
    silent.close()
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('errors', () => {
  it('maps a missing container to not_found', async () => {
    const err = await docker
      .getContainer(`glinrdock-missing-${RUN}`)
      .inspect()
      .catch((e: unknown) => mapDockerError(e, 'container x'))
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'not_found' })
    await expect(fetchLogs(docker, `glinrdock-missing-${RUN}`)).rejects.toMatchObject({ code: 'not_found' })
    await expect(fetchLogs(docker, '../images/json')).rejects.toMatchObject({ code: 'validation' })
  })

  it('turns the engine’s redirect of an unclean path into an error of that request, not of the process', async () => {
    // The engine answers `//x` with 301; docker-modem's redirect code used to throw where nothing could catch it.
    const dial = promisify(docker.modem.dial.bind(docker.modem)) as (options: object) => Promise<unknown>
    const err = await dial({ path: '/containers//x/json?', method: 'GET', statusCodes: { 200: true } }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(Error)
    expect(mapDockerError(err, 'container //x')).toBeInstanceOf(AppError)
  })
})

describe('logs', () => {
  it('tells stdout from stderr in a non-follow fetch, with timestamps', async () => {
    const container = await runContainer('echo out1; echo err1 >&2; echo out2; echo err2 >&2; printf "no newline"')
    await container.wait()
    const raw = (await container.logs({ follow: false, stdout: true, stderr: true, timestamps: true })) as unknown
    expect(Buffer.isBuffer(raw)).toBe(true)
    const lines = demuxAll(raw as Buffer, false, { timestamps: true })
    const texts = (stream: string) => lines.filter((l) => l.stream === stream).map((l) => l.text)
    expect(texts('stdout')).toEqual(['out1', 'out2', 'no newline'])
    expect(texts('stderr')).toEqual(['err1', 'err2'])
    expect(lines.every((l) => TIMESTAMP.test(l.timestamp ?? ''))).toBe(true)
    expect(await fetchLogs(docker, container.id, { timestamps: true })).toEqual(lines)
  })

  it('reassembles a line longer than the 16 KiB log message limit, keeping its first timestamp', async () => {
    const script = 's=é123456789; for k in 1 2 3 4 5 6 7 8 9 10 11 12; do s=$s$s; done; echo "$s"; echo after'
    const container = await runContainer(script)
    await container.wait()
    const lines = await fetchLogs(docker, container.id, { timestamps: true })
    expect(lines.map((l) => l.text)).toEqual(['é123456789'.repeat(4096), 'after'])
    expect(lines[0]?.timestamp).toMatch(TIMESTAMP)
  })

  it('follows a container printing over time without losing or reordering lines', async () => {
    const script =
      'i=0; while [ $i -lt 40 ]; do echo "line $i"; [ $((i % 5)) -eq 0 ] && echo "warn $i" >&2; i=$((i+1)); sleep 0.02; done'
    const container = await runContainer(script)
    const lines: LogLine[] = []
    await waitFor<void>('the end of the log stream', 20_000, (done, fail) => {
      followLogs(
        docker,
        container.id,
        { timestamps: true },
        (l) => lines.push(l),
        (err) => (err ? fail(err) : done()),
      ).catch(fail)
    })
    const stdout = lines.filter((l) => l.stream === 'stdout').map((l) => l.text)
    const stderr = lines.filter((l) => l.stream === 'stderr').map((l) => l.text)
    expect(stdout).toEqual(Array.from({ length: 40 }, (_, i) => `line ${i}`))
    expect(stderr).toEqual([0, 5, 10, 15, 20, 25, 30, 35].map((i) => `warn ${i}`))
    // Within one stream, times never go back. Across streams they may: the daemon copies stdout and stderr in
    // separate goroutines, so a stderr line can be logged a few microseconds after a later stdout line.
    for (const stream of ['stdout', 'stderr']) {
      const times = lines.filter((l) => l.stream === stream).map((l) => l.timestamp!)
      expect([...times].sort()).toEqual(times)
    }
  })

  it('stops delivering a followed stream once stopped', async () => {
    const container = await runContainer('while :; do echo tick; sleep 0.05; done')
    const lines: LogLine[] = []
    let endCalls = 0
    const stop = await followLogs(
      docker,
      container.id,
      {},
      (l) => lines.push(l),
      () => endCalls++,
    )
    await waitFor<void>('first lines', 10_000, (done) => {
      const poll = setInterval(() => lines.length >= 3 && (clearInterval(poll), done()), 20)
    })
    stop()
    const count = lines.length
    await new Promise((r) => setTimeout(r, 300))
    expect(lines.length).toBe(count)
    expect(endCalls).toBe(0)
    await container.remove({ force: true })
  })

  it('returns raw TTY output split into lines, even output that parses as JSON', async () => {
    const container = await runContainer('echo tty1; echo tty2 >&2; printf "tail"', { tty: true })
    await container.wait()
    const raw = (await container.logs({ follow: false, stdout: true, stderr: true })) as unknown as Buffer
    expect(raw.toString()).toBe('tty1\r\ntty2\r\ntail')
    expect(demuxAll(raw, true)).toEqual([
      { stream: 'stdout', text: 'tty1' },
      { stream: 'stdout', text: 'tty2' },
      { stream: 'stdout', text: 'tail' },
    ])
    expect(await fetchLogs(docker, container.id)).toEqual(demuxAll(raw, true))
    // docker-modem would hand back the number 42 for this body; fetchLogs reads it as bytes.
    const json = await runContainer('echo 42', { tty: true })
    await json.wait()
    expect(await fetchLogs(docker, json.id)).toEqual([{ stream: 'stdout', text: '42' }])
  })
})

describe('stats', () => {
  it('computes sane CPU and memory figures from a one-shot sample', async () => {
    const container = await runContainer('while :; do :; done')
    const sample = await container.stats({ stream: false })
    const stats = computeStats(sample)
    await container.remove({ force: true })
    const cpus = sample.cpu_stats.online_cpus || 1
    expect(stats.cpuPercent).toBeGreaterThan(1)
    expect(stats.cpuPercent).toBeLessThanOrEqual(cpus * 100 * 1.1)
    expect(stats.memoryUsage).toBeGreaterThan(0)
    expect(stats.memoryLimit).toBeGreaterThanOrEqual(stats.memoryUsage)
    expect(stats.memoryPercent).toBeGreaterThan(0)
    expect(stats.memoryPercent).toBeLessThan(100)
    expect(stats.pids).toBeGreaterThanOrEqual(1)
    expect(Date.parse(stats.read)).toBeGreaterThan(0)
  })
})

describe('watchEvents', () => {
  it('sees create, start and die of a container run by the docker CLI, and resumes after the last event', async () => {
    const name = `glinrdock-events-${RUN}`
    const filters = { type: ['container'], label: [`glinrdock.test.run=${RUN}`, `glinrdock.test.name=${name}`] }
    const events: DockerEvent[] = []
    // `since` replays anything that happened before the stream was up, so the CLI call below cannot race it.
    const since = Math.floor(Date.now() / 1000) - 1
    let watch: ReturnType<typeof watchEvents> | undefined
    const died = waitFor<void>('the die event', 20_000, (done, fail) => {
      watch = watchEvents(docker, { since, filters }, (e) => (events.push(e), e.Action === 'die' && done()), fail)
    })
    const labels = Object.entries({ ...LABELS, 'glinrdock.test.name': name }).flatMap(([k, v]) => [
      '--label',
      `${k}=${v}`,
    ])
    await execFileAsync('docker', [
      '-H',
      `unix://${env.dockerSocket}`,
      'run',
      '--name',
      name,
      ...labels,
      env.busyboxImage,
      'sh',
      '-c',
      'exit 3',
    ]).catch((e: { code?: number }) => expect(e.code).toBe(3))
    await died
    watch!()
    const actions = events.map((e) => e.Action)
    expect(actions.filter((a) => ['create', 'start', 'die'].includes(a))).toEqual(['create', 'start', 'die'])
    expect(events.find((e) => e.Action === 'die')?.Actor.Attributes?.exitCode).toBe('3')
    expect(watch!.resumeSince).toMatch(/^\d+\.\d{9}$/)

    await docker.getContainer(name).remove()
    const replayed: DockerEvent[] = []
    let resumed: ReturnType<typeof watchEvents> | undefined
    await waitFor<void>('the destroy event', 20_000, (done, fail) => {
      const onEvent = (e: DockerEvent) => (replayed.push(e), e.Action === 'destroy' && done())
      resumed = watchEvents(docker, { since: watch!.resumeSince!, filters }, onEvent, fail)
    })
    resumed!()
    expect(replayed.map((e) => e.Action)).toEqual(['destroy'])
  })
})
