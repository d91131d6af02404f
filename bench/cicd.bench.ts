/**
 * Deployments on an SSH host, against the same steps typed by hand on the same engine:
 * (1) deploy overhead: from the deploy request (image present) to the new version serving on its fixed port,
 *     less the container's own start time (`docker start` to serving);
 * (2) rollback: from the rollback request to the previous version serving, vs a hand-written
 *     `docker stop; docker rm; docker run` of the same image (CLI over the engine's unix socket);
 * (3) build of the small app from git through the builds domain vs `docker build` of the same context.
 * Targets: rollback to serving ≤ 3 s and ≤ 1.5× the hand-written sequence; build ≤ 1.3× docker build.
 *
 * The port is probed (a new connection every few ms) while each sequence runs, for every row alike, as clients
 * would. On the test bed's engine, connections tried while a container's port is being wired cost every row about
 * 0.6 s more than a probe started only once `docker start` returned; a probe that waited for the CLI would flatter
 * the hand-written rows, since glinrdock's steps run in its own process.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, it } from 'vitest'
import { apiClient } from '../e2e/fixtures/api-client'
import { startGitServer, type GitServer } from '../e2e/fixtures/git-server'
import { startServe, type ServeProcess } from '../e2e/fixtures/serve-process'
import { addTestbedHost } from '../e2e/fixtures/testbed-host'
import { dockerCli, testbedEnv } from '../e2e/fixtures/testbed-env'
import { buildVersionImage } from '../e2e/fixtures/version-image'
import { percentile } from './lib/measure'
import { servingAfter } from './lib/serving-probe'
import { elapsedMs, expectOk, freePorts, printTargetTable, suffix, waitForJob, type Api } from './lib/projects-fixture'

const env = testbedEnv()
const ROUNDS = 9
const run = suffix()
const repo = `gd-bench-deploy-${run}`
const LABEL = `glinrdock.bench=${run}`
// Back-to-back polls of the port and the job would otherwise meet the per-token limit.
const SERVE_ARGS = ['--rest-rate', '1000000']

let serve: ServeProcess | undefined
let api: Api
let hostId: string
let projectId: string | undefined
let git: GitServer | undefined
const workDir = mkdtempSync(join(tmpdir(), 'gd-bench-cicd-'))
const handContainer = `gd-bench-hand-${run}`
/** The hand-written container gets what glinrdock gives its own: a user-defined network and an alias. */
const handNetwork = `gd-bench-hand-${run}`

const execFileAsync = promisify(execFile)
/**
 * The docker CLI without blocking the event loop: the port is probed while the hand-written steps run, exactly
 * as it is while glinrdock's job runs (a probe that only starts once `docker run` returned would flatter it).
 */
const docker = async (args: string[]): Promise<string> =>
  (await execFileAsync('docker', ['-H', `unix://${env.dockerSocket}`, ...args])).stdout.trim()

beforeAll(async () => {
  for (const version of ['v1', 'v2']) await buildVersionImage(env, { repo, version, label: LABEL })
  serve = await startServe({ args: SERVE_ARGS, env: { GLINRDOCK_DEPLOY_STABLE_SECONDS: '1' } })
  api = apiClient(serve.url, serve.adminToken)
  hostId = await addTestbedHost(serve, env)
  projectId = (await expectOk(api.post('/v1/projects', { name: `gdb-cicd-${run}`, hostId }), 201, 'project')).id
}, 120_000)

afterAll(async () => {
  try {
    dockerCli(env, ['rm', '-f', handContainer])
    dockerCli(env, ['network', 'rm', handNetwork])
  } catch {
    // Never created (an earlier failure).
  }
  if (serve && projectId) await api.delete(`/v1/projects/${projectId}?force=true&volumes=true`).catch(() => undefined)
  await serve?.stop()
  await git?.stop()
  const made = [
    ...dockerCli(env, ['images', '-q', '--filter', `label=${LABEL}`]).split('\n'),
    ...dockerCli(env, ['images', '-q', '--filter', `reference=glinrdock/gdb-cicd-${run}-*`]).split('\n'),
    ...dockerCli(env, ['images', '-q', '--filter', `reference=${repo}:hand-build`]).split('\n'),
  ]
  for (const id of new Set(made.filter(Boolean))) {
    try {
      dockerCli(env, ['rmi', '-f', id])
    } catch {
      // Shared with an image removed a moment ago.
    }
  }
  rmSync(workDir, { recursive: true, force: true })
}, 120_000)

it('deploy overhead and rollback to serving: glinrdock over SSH vs docker stop/rm/run', async () => {
  const [ownPort, handPort, ourPort] = await freePorts(3)
  const ports = [{ container: 8080, host: ourPort, hostIp: '127.0.0.1' }]

  const own: number[] = []
  const hand: number[] = []
  const deploys: number[] = []
  const deployJobs: number[] = []
  const rollbacks: number[] = []
  const rollbackJobs: number[] = []

  // The container's own start: `docker start` of a created container until it serves.
  const ownStart = async (): Promise<number> => {
    const id = dockerCli(env, ['create', '-p', `127.0.0.1:${ownPort}:8080`, '--label', LABEL, `${repo}:v1`])
    const start = process.hrtime.bigint()
    const [took] = await Promise.all([servingAfter(start, ownPort!, 'v1'), docker(['start', id])])
    dockerCli(env, ['rm', '-f', id])
    return took
  }

  // By hand: stop, remove, run the other version under the same name, port, network and alias.
  dockerCli(env, ['network', 'create', handNetwork])
  const handRun = (version: string): string[] => [
    'run',
    '-d',
    '--name',
    handContainer,
    '--network',
    handNetwork,
    '--network-alias',
    'web',
    '-p',
    `127.0.0.1:${handPort}:8080`,
    `${repo}:${version}`,
  ]
  dockerCli(env, handRun('v2'))
  await servingAfter(process.hrtime.bigint(), handPort!, 'v2')
  let handServes = 'v2'
  const byHand = async (): Promise<number> => {
    const version = handServes === 'v1' ? 'v2' : 'v1'
    const start = process.hrtime.bigint()
    const steps = async (): Promise<void> => {
      await docker(['stop', '-t', '10', handContainer])
      await docker(['rm', handContainer])
      await docker(handRun(version))
    }
    const [took] = await Promise.all([servingAfter(start, handPort!, version), steps()])
    handServes = version
    return took
  }

  // glinrdock: a service on a fixed port (stop-first); each round deploys a version, then rolls back from it.
  const service = await expectOk(
    api.post(`/v1/projects/${projectId}/services`, { name: 'web', image: `${repo}:v1`, ports }),
    201,
    'service',
  )
  let serves: string | null = null
  const deployTo = async (version: string): Promise<{ serving: number; job: number }> => {
    const start = process.hrtime.bigint()
    const { jobId } = await expectOk(
      api.post(`/v1/cicd/services/${service.id}/deploy`, { imageTag: `${repo}:${version}` }),
      202,
      'deploy',
    )
    const serving = await servingAfter(start, ourPort!, version)
    await waitForJob(api, jobId, 60_000)
    serves = version
    return { serving, job: elapsedMs(start) }
  }
  const rollBack = async (): Promise<{ serving: number; job: number }> => {
    const expected = serves === 'v1' ? 'v2' : 'v1'
    const start = process.hrtime.bigint()
    const { jobId } = await expectOk(api.post(`/v1/cicd/services/${service.id}/rollback`, {}), 202, 'rollback')
    const serving = await servingAfter(start, ourPort!, expected)
    await waitForJob(api, jobId, 60_000)
    serves = expected
    return { serving, job: elapsedMs(start) }
  }
  await deployTo('v2')

  // Rounds interleave the four, so load on the shared engine falls on all of them alike; round 0 warms up.
  for (let round = 0; round <= ROUNDS; round++) {
    const ownTook = await ownStart()
    const handTook = await byHand()
    // Deploy the version it does not run, then roll back to the one before: both switch versions.
    const deployed = await deployTo(serves === 'v1' ? 'v2' : 'v1')
    const rolled = await rollBack()
    if (round === 0) continue
    own.push(ownTook)
    hand.push(handTook)
    deploys.push(deployed.serving)
    deployJobs.push(deployed.job)
    rollbacks.push(rolled.serving)
    rollbackJobs.push(rolled.job)
  }

  const ownMedian = percentile(own, 50)
  printTargetTable(
    'deploy and rollback to serving, image present, fixed host port (ms, request to the new version answering)',
    [
      { name: 'docker start → serving (the container itself)', samples: own },
      { name: 'docker stop; rm; run → serving (CLI, unix socket)', samples: hand },
      { name: 'glinrdock deploy → serving (SSH tunnel)', samples: deploys },
      {
        name: 'glinrdock rollback → serving (SSH tunnel)',
        samples: rollbacks,
        target: {
          text: '≤ 3 s and ≤ 1.5× by hand',
          met: (median, _r) => median <= 3000 && median / percentile(hand, 50) <= 1.5,
        },
      },
      { name: 'glinrdock deploy job until succeeded (gate 1 s)', samples: deployJobs },
      { name: 'glinrdock rollback job until succeeded (gate 1 s)', samples: rollbackJobs },
    ],
    'docker stop; rm; run → serving (CLI, unix socket)',
  )
  console.log(
    `deploy overhead (deploy → serving, less the container's own start): median ${(percentile(deploys, 50) - ownMedian).toFixed(0)} ms; ` +
      `by hand the same difference is ${(percentile(hand, 50) - ownMedian).toFixed(0)} ms`,
  )
}, 600_000)

it('build of the small app from git: glinrdock builds domain vs docker build of the same context', async () => {
  git = await startGitServer({ baseImage: env.busyboxImage })
  const service = await expectOk(
    api.post(`/v1/projects/${projectId}/services`, {
      name: 'built',
      git: { url: git.url, ref: 'main' },
      ports: [{ container: 8080 }],
    }),
    201,
    'git service',
  )
  const context = join(workDir, 'context')
  execFileSync('git', ['clone', '--quiet', '--', git.path, context])

  // Each round builds commits nobody built before, as every push is: the base image's layer is cached, the app's
  // own layers are not. The hand-written side builds the same app from a checkout on disk.
  const byHand: number[] = []
  const ours: number[] = []
  for (let round = 0; round <= ROUNDS; round++) {
    // Two commits: whichever side built one first would hand the other its layers from the engine's cache.
    const handCommit = await git.pushVersion(`bench-${run}-${round}-hand`)
    const commit = await git.pushVersion(`bench-${run}-${round}-ours`)
    const hand = async (): Promise<void> => {
      execFileSync('git', ['-C', context, 'fetch', '--quiet', 'origin'])
      execFileSync('git', ['-C', context, 'checkout', '--quiet', '--detach', handCommit])
      const start = process.hrtime.bigint()
      await docker(['build', '-q', '-t', `${repo}:hand-build`, context])
      if (round > 0) byHand.push(elapsedMs(start))
    }
    const glinrdock = async (): Promise<void> => {
      const start = process.hrtime.bigint()
      const res = await api.post(`/v1/cicd/services/${service.id}/build`, { ref: commit })
      if (res.status !== 202) throw new Error(`build: ${res.status} ${res.text}`)
      await waitForJob(api, res.json.jobId, 120_000)
      if (round > 0) ours.push(elapsedMs(start))
    }
    // Alternating who goes first spreads whatever the engine's cache and disk still settle.
    if (round % 2 === 0) {
      await hand()
      await glinrdock()
    } else {
      await glinrdock()
      await hand()
    }
  }
  printTargetTable(
    'build of a new commit of the small app (ms, request to image ready; base layer cached)',
    [
      { name: 'docker build (CLI, unix socket, context on disk)', samples: byHand },
      {
        name: 'glinrdock build (clone over git://, context over SSH)',
        samples: ours,
        target: { text: '≤ 1.3× docker build', met: (_median, ratio) => ratio <= 1.3 },
      },
    ],
    'docker build (CLI, unix socket, context on disk)',
  )
}, 600_000)
