/**
 * Zero-downtime deploys behind the host's nginx proxy, on an SSH host, with a bounded request loop (4 keep-alive
 * clients, loopback) running through the proxy the whole time:
 * (1) requests: failed requests during the deploys (target 0), and the p99 latency of the requests answered
 *     while each deploy ran vs the same number answered just before it (steady state), as a ratio;
 * (2) time from the deploy request to the new version answering through the proxy, vs a deploy of the same
 *     images on a fixed host port (stop-first, no proxy) measured on its port, with the requests that one fails.
 * The health gate (1 s without a health check) is in both. The drain (1 s here, 10 s by default) happens after
 * the new version serves, so it is in neither time; it is in the request window.
 */
import { afterAll, beforeAll, it } from 'vitest'
import { apiClient, eventually } from '../e2e/fixtures/api-client'
import { startRequestLoop } from '../e2e/fixtures/request-loop'
import { startServe, type ServeProcess } from '../e2e/fixtures/serve-process'
import { dockerCli, testbedEnv, testbedSshHost } from '../e2e/fixtures/testbed-env'
import { nginxImage, removeProxyObjects } from '../e2e/fixtures/testbed-proxy'
import { buildVersionImage } from '../e2e/fixtures/version-image'
import { percentile } from './lib/measure'
import { expectOk, freePorts, printTargetTable, sleep, suffix, waitForJob, type Api } from './lib/projects-fixture'
import { servingAfter } from './lib/serving-probe'

const env = testbedEnv()
const ROUNDS = 8
const run = suffix()
const repo = `gd-bench-proxy-${run}`
const LABEL = `glinrdock.bench=${run}`
const PROXY = `gd-bench-proxy-${run}`
const DOMAIN = `bench-${run}.example.com`
const MAX_REQUESTS = 2_000_000

let serve: ServeProcess | undefined
let api: Api
let projectId: string | undefined
let httpPort: number

beforeAll(async () => {
  for (const version of ['v1', 'v2']) await buildVersionImage(env, { repo, version, label: LABEL })
  serve = await startServe({
    args: ['--rest-rate', '1000000'],
    env: {
      GLINRDOCK_DEPLOY_STABLE_SECONDS: '1',
      GLINRDOCK_PROXY_NAME: PROXY,
      GLINRDOCK_PROXY_BIND: '127.0.0.1',
      GLINRDOCK_PROXY_DRAIN_SECONDS: '1',
    },
  })
  api = apiClient(serve.url, serve.adminToken)
  const [http, https] = await freePorts(2)
  httpPort = http!
  const host = await expectOk(
    api.post('/v1/hosts', {
      ...testbedSshHost(env, 'bench-proxy'),
      proxy: { image: nginxImage(env), httpPort, httpsPort: https },
    }),
    201,
    'host',
  )
  await eventually(async () => (await api.get(`/v1/hosts/${host.id}`)).json.state === 'connected', 20_000)
  projectId = (await expectOk(api.post('/v1/projects', { name: `gdb-proxy-${run}`, hostId: host.id }), 201, 'project'))
    .id
}, 180_000)

afterAll(async () => {
  if (projectId) await api.delete(`/v1/projects/${projectId}?force=true&volumes=true`)
  await serve?.stop()
  removeProxyObjects(env, PROXY)
  for (const version of ['v1', 'v2']) {
    try {
      dockerCli(env, ['rmi', '-f', `${repo}:${version}`])
    } catch {
      // Not built.
    }
  }
}, 120_000)

/** Deploys `version` and answers the ms until `serving` saw it, once the job ended too. */
async function deployTo(serviceId: string, version: string, serving: (start: bigint) => Promise<number>) {
  const start = process.hrtime.bigint()
  const { jobId } = await expectOk(
    api.post(`/v1/cicd/services/${serviceId}/deploy`, { imageTag: `${repo}:${version}` }),
    202,
    'deploy',
  )
  const took = await serving(start)
  await waitForJob(api, jobId, 60_000)
  return took
}

it('requests through the proxy during zero-downtime deploys, and deploy to the new version serving', async () => {
  // Routed: no host port (start-first), reached through the proxy by its domain.
  const routed = await expectOk(
    api.post(`/v1/projects/${projectId}/services`, { name: 'web', image: `${repo}:v1` }),
    201,
    'routed service',
  )
  await deployTo(routed.id, 'v1', async () => 0)
  await expectOk(api.post('/v1/routes', { serviceId: routed.id, domain: DOMAIN, port: 8080 }), 201, 'route')
  await servingAfter(process.hrtime.bigint(), httpPort, 'v1', { host: DOMAIN })
  // Baseline: the same images on a fixed host port (stop-first), probed on that port.
  const [fixedPort] = await freePorts(1)
  const fixed = await expectOk(
    api.post(`/v1/projects/${projectId}/services`, {
      name: 'fixed',
      image: `${repo}:v1`,
      ports: [{ container: 8080, host: fixedPort, hostIp: '127.0.0.1' }],
    }),
    201,
    'fixed-port service',
  )
  await deployTo(fixed.id, 'v1', (start) => servingAfter(start, fixedPort!, 'v1'))

  const loop = startRequestLoop({ port: httpPort, host: DOMAIN, maxRequests: MAX_REQUESTS })
  const steady: number[] = []
  const during: number[] = []
  const routedTimes: number[] = []
  let version = 'v1'
  for (let round = 0; round < ROUNDS; round++) {
    // Let the previous round's drain and removal pass: the window before this deploy is steady state.
    await sleep(3_000)
    const before = loop.snapshot().latenciesMs.length
    version = version === 'v1' ? 'v2' : 'v1'
    routedTimes.push(
      await deployTo(routed.id, version, (start) => servingAfter(start, httpPort, version, { host: DOMAIN })),
    )
    const latencies = loop.snapshot().latenciesMs
    const window = latencies.slice(before)
    during.push(...window)
    steady.push(...latencies.slice(Math.max(0, before - window.length), before))
  }
  const routedResult = await loop.stop()

  const fixedLoop = startRequestLoop({ port: fixedPort!, host: 'fixed', maxRequests: MAX_REQUESTS })
  const fixedTimes: number[] = []
  let fixedVersion = 'v1'
  for (let round = 0; round < ROUNDS; round++) {
    await sleep(1_000)
    fixedVersion = fixedVersion === 'v1' ? 'v2' : 'v1'
    const target = fixedVersion
    fixedTimes.push(await deployTo(fixed.id, target, (start) => servingAfter(start, fixedPort!, target)))
  }
  const fixedResult = await fixedLoop.stop()

  console.log(`\nRequests through the proxy during ${ROUNDS} deploys (loop of 4 clients)`)
  console.table([
    {
      path: 'routed (start-first, proxy switch)',
      requests: routedResult.ok + routedResult.failed,
      failed: routedResult.failed,
      'failed target': '0',
      'meets target': routedResult.failed === 0 ? 'yes' : 'no',
    },
    {
      path: 'fixed host port (stop-first, no proxy)',
      requests: fixedResult.ok + fixedResult.failed,
      failed: fixedResult.failed,
      'failed target': '',
      'meets target': '',
    },
  ])
  if (routedResult.errors.length) console.log('routed errors:', routedResult.errors.slice(0, 5))
  const p = (samples: number[], q: number): string => `${percentile(samples, q).toFixed(2)} ms`
  console.log('\nLatency through the proxy: requests answered during each deploy vs as many just before it')
  console.table(
    [
      { path: 'steady state', samples: steady },
      { path: 'during the switch', samples: during },
    ].map((row) => ({
      path: row.path,
      n: row.samples.length,
      median: p(row.samples, 50),
      p99: p(row.samples, 99),
      'p99 / steady p99': `${(percentile(row.samples, 99) / percentile(steady, 99)).toFixed(2)}×`,
    })),
  )
  printTargetTable(
    'Deploy request → new version serving (SSH host; 1 s health gate in both)',
    [
      { name: 'fixed port, stop-first', samples: fixedTimes },
      { name: 'routed, through the proxy', samples: routedTimes },
    ],
    'fixed port, stop-first',
  )
})
