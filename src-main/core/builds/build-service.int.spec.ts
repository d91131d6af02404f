import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BuildStatus } from '../../../src-preload/contract/cicd'
import { startGitServer, type GitServer } from '../../../e2e/fixtures/git-server'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { createLogger } from '../../infra/logging/logger'
import { harness, type Harness } from '../jobs/job-test-support'
import { ProjectStore, type ServiceRecord } from '../projects/project-store'
import { AppError } from '../shared/app-error'
import type { BuiltImage, NotifyInput } from '../shared/cicd-ports'
import { BuildLogs } from './build-log'
import { BuildService } from './build-service'
import { BuildStore } from './build-store'

/**
 * BuildService in process, with the real job runner, store, git daemon and engine (its socket directly: the REST
 * spec goes through SSH), and recording fakes for the two ports other domains implement: the deployer and Notify.
 */
let env: TestbedEnv
let git: GitServer
let h: Harness
let builds: BuildService
let dataDir: string
const deployed: { image: BuiltImage; trigger: string }[] = []
const notified: NotifyInput[] = []
/** Each `cicd.changed` of a build, with the status the build had at that moment. */
const seen: { buildId: string; status: BuildStatus }[] = []
const tags: string[] = []
const suffix = Math.random().toString(36).slice(2, 8)

const recordingDeployer = {
  deployBuilt(image: BuiltImage, trigger: string) {
    deployed.push({ image, trigger })
    return { deploymentId: 'd00000000001', jobId: 'j00000000001' }
  },
}
const recordingNotify = (input: NotifyInput): void => void notified.push(input)

function addService(name: string, git: ServiceRecord['spec']['git']): string {
  const store = new ProjectStore(h.db)
  const id = `s${suffix}${name.padEnd(5, '0').slice(0, 5)}`
  const now = new Date().toISOString()
  store.insertServices([
    {
      id,
      projectId: 'p00000000001',
      name: `${name}-${suffix}`,
      spec: { name: `${name}-${suffix}`, image: null, git, env: [] } as never,
      sealedEnv: '',
      specHash: 'x',
      origin: 'created',
      desiredState: 'running',
      containerId: null,
      appliedHash: null,
      release: null,
      createdAt: now,
      updatedAt: now,
    },
  ])
  return id
}

async function finished(buildId: string) {
  const { jobId } = builds.get(buildId)
  await h.until(jobId!, 'succeeded', 'failed', 'canceled')
  return builds.get(buildId)
}

beforeAll(async () => {
  env = testbedEnv()
  git = await startGitServer({ baseImage: env.busyboxImage })
  dataDir = mkdtempSync(join(tmpdir(), 'gd-buildsvc-'))
  h = harness()
  h.db
    .prepare(
      "INSERT INTO hosts (id, name, kind, socket_path, created_at) VALUES ('h00000000001', 'local', 'local', ?, ?)",
    )
    .run(env.dockerSocket, new Date().toISOString())
  new ProjectStore(h.db).insertProject({
    id: 'p00000000001',
    hostId: 'h00000000001',
    name: `svc-${suffix}`,
    createdAt: new Date().toISOString(),
  })
  const projectStore = new ProjectStore(h.db)
  const docker = new Dockerode({ socketPath: env.dockerSocket })
  builds = new BuildService({
    store: new BuildStore(h.db),
    logs: new BuildLogs(join(dataDir, 'builds')),
    projects: {
      service: (id) => {
        const service = projectStore.service(id)
        if (!service) throw new AppError('not_found', `No service with id ${id}`)
        return service
      },
      projectOf: (service) => projectStore.project(service.projectId)!,
    },
    connections: { get: () => ({ docker: async () => docker }) },
    jobs: h.runner,
    events: h.events,
    workDir: join(dataDir, 'builds', 'work'),
    logger: createLogger({ level: 'warn' }),
  })
  builds.connect({ deployer: recordingDeployer, notify: recordingNotify })
  h.events.on('cicd.changed', ({ buildId }) => {
    if (buildId) seen.push({ buildId, status: builds.get(buildId).status })
  })
  builds.registerJobs()
  h.runner.start()
})

afterAll(async () => {
  h?.runner.dispose()
  for (const tag of tags) {
    try {
      dockerCli(env, ['rmi', '-f', tag])
    } catch {
      // already gone
    }
  }
  await git?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('BuildService', () => {
  it('hands a successful build to the deployer, notifies, and announces every status change', async () => {
    const serviceId = addService('web', { url: git.url, ref: 'main' })
    const { buildId } = builds.startBuild({ serviceId, trigger: 'webhook', deploy: true, commit: git.commits.v1 })
    const build = await finished(buildId)
    tags.push(build.imageTag!)
    expect(build).toMatchObject({ status: 'succeeded', trigger: 'webhook', ref: 'main', commit: git.commits.v1 })
    expect(deployed).toEqual([
      {
        image: {
          buildId,
          serviceId,
          imageTag: build.imageTag,
          imageId: build.imageId,
          commit: git.commits.v1,
        },
        trigger: 'build',
      },
    ])
    expect(notified.filter((n) => n.buildId === buildId)).toEqual([
      expect.objectContaining({ kind: 'build.succeeded', serviceId, buildId, actions: ['open_log'] }),
    ])
    const statuses = seen.filter((s) => s.buildId === buildId).map((s) => s.status)
    expect(statuses[0]).toBe('queued')
    expect(statuses).toContain('running')
    expect(statuses.at(-1)).toBe('succeeded')
    expect(builds.logs(buildId).text).toContain('Deployment d00000000001 started')
  })

  it('does not deploy without deploy, and notifies a failure with the engine message', async () => {
    const before = deployed.length
    const serviceId = addService('bad', { url: git.url, ref: 'main', target: 'no-such-stage' })
    const { buildId } = builds.startBuild({ serviceId, trigger: 'manual', deploy: false })
    const build = await finished(buildId)
    expect(build.status).toBe('failed')
    expect(build.error?.code).toBe('build_failed')
    expect(build.error?.message).toMatch(/no-such-stage/)
    expect(deployed).toHaveLength(before)
    expect(notified.filter((n) => n.buildId === buildId)).toEqual([
      expect.objectContaining({ kind: 'build.failed', body: build.error!.message, actions: ['open_log'] }),
    ])
  })

  it('settles a build whose job is canceled while still queued', async () => {
    const serviceId = addService('queue', { url: git.url, ref: 'main' })
    // The first holds the service's lock, so the second waits in the queue.
    const first = builds.startBuild({ serviceId, trigger: 'manual', deploy: false })
    const second = builds.startBuild({ serviceId, trigger: 'manual', deploy: false })
    h.runner.cancel(second.jobId)
    expect(builds.get(second.buildId).status).toBe('canceled')
    const done = await finished(first.buildId)
    tags.push(done.imageTag!)
    expect(done.status).toBe('succeeded')
  })

  it('refuses a service without a git source, and an ill-formed commit', () => {
    const serviceId = addService('nogit', null)
    expect(() => builds.startBuild({ serviceId, trigger: 'manual', deploy: false })).toThrow(/no git source/)
    const gitId = addService('sha', { url: git.url, ref: 'main' })
    expect(() => builds.startBuild({ serviceId: gitId, trigger: 'poll', deploy: false, commit: 'abc' })).toThrow(
      /full commit id/,
    )
  })
})
