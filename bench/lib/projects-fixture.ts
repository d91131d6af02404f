/** Helpers for bench/projects.bench.ts: compose files, the compose CLI, engine checks, cleanup, and the table. */
import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { apiClient } from '../../e2e/fixtures/api-client'
import { dockerCli, type TestbedEnv } from '../../e2e/fixtures/testbed-env'
import { percentile, type Measurement } from './measure'

const run = promisify(execFile)

/** The trap makes `docker stop` return at once instead of after the 10 s grace period. */
export const IDLE_COMMAND = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"]

export const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
export const suffix = (): string => Math.random().toString(36).slice(2, 8)

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer()
          server.once('error', reject)
          server.listen(0, '127.0.0.1', () => resolve(server))
        }),
    ),
  )
  const ports = servers.map((s) => (s.address() as { port: number }).port)
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

interface ComposeService {
  name: string
  dependsOn?: string[]
  ports?: number[]
  env: Record<string, string>
}

/** JSON strings are YAML double-quoted scalars: no hand-made quoting. */
export function composeYaml(image: string, services: ComposeService[]): string {
  const q = JSON.stringify
  const lines = ['version: "3.8"', 'services:']
  for (const s of services) {
    lines.push(`  ${s.name}:`, `    image: ${q(image)}`, `    command: ${q(IDLE_COMMAND)}`)
    lines.push('    environment:', ...Object.entries(s.env).map(([k, v]) => `      ${k}: ${q(v)}`))
    if (s.dependsOn?.length) lines.push('    depends_on:', ...s.dependsOn.map((d) => `      - ${d}`))
    if (s.ports?.length) lines.push('    ports:', ...s.ports.map((p) => `      - ${q(`127.0.0.1:${p}:8080`)}`))
  }
  return lines.join('\n') + '\n'
}

/** 20 services in three levels: 13 independent, 4 apis on db + cache, 3 webs (published ports) on the apis. */
export function twentyServices(image: string, ports: number[]): string {
  const env = (role: string, i: number) => ({ ROLE: role, INDEX: String(i), LOG_LEVEL: 'info', REGION: 'bench' })
  const services: ComposeService[] = [
    { name: 'db', env: env('db', 0) },
    { name: 'cache', env: env('cache', 0) },
    { name: 'queue', env: env('queue', 0) },
    ...Array.from({ length: 10 }, (_, i) => ({ name: `worker-${i}`, env: env('worker', i) })),
    ...Array.from({ length: 4 }, (_, i) => ({ name: `api-${i}`, env: env('api', i), dependsOn: ['db', 'cache'] })),
    ...Array.from({ length: 3 }, (_, i) => ({
      name: `web-${i}`,
      env: env('web', i),
      dependsOn: ['api-0', 'api-1', 'queue'],
      ports: [ports[i]!],
    })),
  ]
  return composeYaml(image, services)
}

export function manyServices(image: string, count: number): string {
  return composeYaml(
    image,
    Array.from({ length: count }, (_, i) => ({ name: `s${i}`, env: { INDEX: String(i) } })),
  )
}

/** docker-compose 1.29 against the test bed's engine (its unix socket), argv only. */
export async function compose(env: TestbedEnv, project: string, file: string, args: string[]): Promise<void> {
  try {
    await run('/usr/bin/docker-compose', ['-p', project, '-f', file, ...args], {
      env: { ...process.env, DOCKER_HOST: env.dockerHost },
      maxBuffer: 16 * 1024 * 1024,
    })
  } catch (err) {
    const { stderr, message } = err as { stderr?: string; message: string }
    throw new Error(`docker-compose ${args.join(' ')} failed: ${message}\n${stderr ?? ''}`)
  }
}

export const runningWithLabel = (env: TestbedEnv, label: string): number =>
  dockerCli(env, ['ps', '-q', '--filter', `label=${label}`, '--filter', 'status=running'])
    .split('\n')
    .filter(Boolean).length

export function expectRunning(env: TestbedEnv, label: string, count: number, what: string): void {
  const running = runningWithLabel(env, label)
  if (running !== count) throw new Error(`${what}: ${running} of ${count} containers running`)
}

export type Api = ReturnType<typeof apiClient>

/** Polls a job every 20 ms until it settles; throws unless it succeeded. */
export async function waitForJob(api: Api, jobId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await api.get(`/v1/jobs/${jobId}`)
    if (res.status !== 200) throw new Error(`GET /v1/jobs/${jobId}: ${res.status} ${res.text}`)
    const status = res.json.status as string
    if (status === 'succeeded') return
    if (status === 'failed' || status === 'canceled') throw new Error(`job ${jobId} ${status}: ${res.text}`)
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${status} after ${timeoutMs} ms`)
    await sleep(20)
  }
}

/** The body of a response with the expected status; anything else is a failure of the API, with its answer. */
export async function expectOk(res: ReturnType<Api['get']>, status: number, what: string) {
  const r = await res
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text}`)
  return r.json
}

export interface ServiceView {
  spec: { name: string }
  status: { state: string; live: boolean; containerId: string | null; startedAt: string | null }
}

/** Whether every service is running as the engine reported it live (not a last-known state). */
export const allRunning = (services: ServiceView[], count: number): boolean =>
  services.length === count && services.every((s) => s.status.live === true && s.status.state === 'running')

/**
 * Stops and removes containers four at a time. The test bed's dockerd (20.10) loses count of a network's
 * endpoints when it tears down dozens of a network's containers at once (reproduced with the plain CLI: 100 at
 * 16 or 100 lanes leave "has active endpoints" on a network with no containers, until dockerd restarts), and
 * every such network keeps an address pool of the shared engine.
 */
export async function removeContainers(env: TestbedEnv, ids: string[]): Promise<void> {
  const docker = (args: string[]) => run('docker', ['-H', `unix://${env.dockerSocket}`, ...args]).catch(() => undefined)
  let next = 0
  const lanes = Array.from({ length: Math.min(4, ids.length) }, async () => {
    while (next < ids.length) {
      const id = ids[next++]!
      await docker(['stop', '-t', '10', id])
      await docker(['rm', '-f', '-v', id])
    }
  })
  await Promise.all(lanes)
}

const listIds = (env: TestbedEnv, args: string[]): string[] => dockerCli(env, args).split('\n').filter(Boolean)

/** Containers and networks made for a project, removed by label: the fallback when its API is gone. */
export async function removeByLabel(env: TestbedEnv, label: string): Promise<void> {
  await removeContainers(env, listIds(env, ['ps', '-aq', '--filter', `label=${label}`]))
  for (const network of listIds(env, ['network', 'ls', '-q', '--filter', `label=${label}`])) {
    try {
      dockerCli(env, ['network', 'rm', network])
    } catch (err) {
      console.warn(`could not remove network ${network}: ${(err as { stderr?: string }).stderr ?? err}`)
    }
  }
}

export interface Row extends Measurement {
  target?: { text: string; met: (median: number, ratio: number) => boolean }
}

const ms = (value: number): string => `${value.toFixed(0)} ms`

/** Median, p90 and the median's ratio to `baseline`, with each row's target and whether the median meets it. */
export function printTargetTable(title: string, rows: Row[], baseline: string): void {
  const base = percentile(rows.find((r) => r.name === baseline)!.samples, 50)
  console.log(`\n${title}`)
  console.table(
    rows.map((row) => {
      const median = percentile(row.samples, 50)
      const ratio = median / base
      return {
        path: row.name,
        n: row.samples.length,
        median: ms(median),
        p90: ms(percentile(row.samples, 90)),
        min: ms(Math.min(...row.samples)),
        [`median / ${baseline}`]: `${ratio.toFixed(2)}×`,
        target: row.target?.text ?? '',
        'meets target': row.target ? (row.target.met(median, ratio) ? 'yes' : 'no') : '',
      }
    }),
  )
}
