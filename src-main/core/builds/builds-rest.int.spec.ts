import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { GIT_SERVER_IGNORED_FILE, startGitServer, type GitServer } from '../../../e2e/fixtures/git-server'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { addTestbedHost } from '../../../e2e/fixtures/testbed-host'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { wsClient } from '../../../e2e/fixtures/ws-client'

/**
 * Builds over REST on the real headless server, from a real `git daemon`, on the test bed's engine reached over
 * SSH: the image carries the exact commit, the log is docker's own output, `.dockerignore` holds, a failing step
 * fails with the engine's words, and neither a cancel nor a `kill -9` of glinrdock leaves a build running.
 */
const execFileAsync = promisify(execFile)
let env: TestbedEnv
let git: GitServer
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string
let projectId: string
let projectName: string
let appId: string
let extraRepo: string
const suffix = Math.random().toString(36).slice(2, 8)
const builtTags: string[] = []

const finishedJob = (id: string, timeoutMs = 60_000) =>
  eventually(
    async () => {
      const job = (await api.get(`/v1/jobs/${id}`)).json
      return ['succeeded', 'failed', 'canceled'].includes(job.status) && job
    },
    timeoutMs,
    `job ${id}`,
  )
const build = async (id: string) => (await api.get(`/v1/cicd/builds/${id}`)).json
const logText = async (id: string) => (await api.get(`/v1/cicd/builds/${id}/logs`)).text
/** Containers on the engine whose command holds `marker` (the classic builder runs each RUN step in one). */
const containersRunning = (marker: string, all = false): string[] =>
  dockerCli(env, ['ps', ...(all ? ['-a'] : []), '--no-trunc', '--format', '{{.ID}} {{.Command}}'])
    .split('\n')
    .filter((line) => line.includes(marker))

async function startBuild(serviceId: string, body: Record<string, unknown> = {}) {
  const res = await api.post(`/v1/cicd/services/${serviceId}/build`, body)
  expect(res.status, res.text).toBe(202)
  expect(res.json).toEqual({ buildId: expect.any(String), jobId: expect.any(String) })
  return res.json as { buildId: string; jobId: string }
}

async function buildAndWait(serviceId: string, body: Record<string, unknown> = {}) {
  const started = await startBuild(serviceId, body)
  await finishedJob(started.jobId)
  const summary = await build(started.buildId)
  if (summary.imageTag) builtTags.push(summary.imageTag)
  return summary
}

async function gitService(name: string, source: Record<string, unknown>): Promise<string> {
  const res = await api.post(`/v1/projects/${projectId}/services`, { name, git: source })
  expect(res.status, res.text).toBe(201)
  return res.json.id
}

/** A local repository (an absolute-path source) with Dockerfiles that fail, refuse to parse, or run long. */
async function makeExtraRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gd-buildrepo-'))
  const files: Record<string, string> = {
    'Dockerfile.fail': `FROM ${env.busyboxImage}\nRUN echo about-to-fail && exit 7\n`,
    'Dockerfile.parse': `FROM ${env.busyboxImage}\nFROBNICATE everything\n`,
    // The step's command names the test (`docker ps` shows it); the build argument shows in the log.
    ...Object.fromEntries(
      ['cancel', 'kill'].map((name) => [
        `Dockerfile.${name}`,
        `FROM ${env.busyboxImage}\nARG MARKER\nRUN echo "slow-$MARKER" && echo step-${name}-${suffix} && sleep 300\n`,
      ]),
    ),
  }
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  const identity = {
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t.invalid',
  }
  const run = (args: string[]) => execFileAsync('git', args, { cwd: dir, env: { ...process.env, ...identity } })
  await run(['init', '--quiet', '--initial-branch=main'])
  await run(['add', '--all'])
  await run(['commit', '--quiet', '-m', 'Dockerfiles that do not end well'])
  return dir
}

beforeAll(async () => {
  env = testbedEnv()
  git = await startGitServer({ baseImage: env.busyboxImage })
  extraRepo = await makeExtraRepo()
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  hostId = await addTestbedHost(serve, env)
  projectName = `builds-${suffix}`
  const project = await api.post('/v1/projects', { name: projectName, hostId })
  expect(project.status, project.text).toBe(201)
  projectId = project.json.id
  appId = await gitService('app', { url: git.url, ref: 'main' })
})

afterAll(async () => {
  if (projectId) await api?.delete(`/v1/projects/${projectId}?force=true`)
  await serve?.stop()
  for (const tag of builtTags) {
    try {
      dockerCli(env, ['rmi', '-f', tag])
    } catch {
      // already gone
    }
  }
  await git?.stop()
  if (extraRepo) await rm(extraRepo, { recursive: true, force: true })
})

describe('a build of a git service', () => {
  let v1: Record<string, any>

  it('builds the tag v1 into glinrdock/<project>-<service>:<short sha> on the engine', async () => {
    v1 = await buildAndWait(appId, { ref: 'v1' })
    expect(v1, JSON.stringify(v1.error)).toMatchObject({
      status: 'succeeded',
      serviceId: appId,
      projectId,
      hostId,
      trigger: 'manual',
      ref: 'v1',
      commit: git.commits.v1,
      commitMessage: 'Serve v1',
      imageTag: `glinrdock/${projectName}-app:${git.commits.v1.slice(0, 12)}`,
      imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      deployAfter: false,
      error: null,
    })
    expect(v1.durationMs).toBeGreaterThan(0)
    expect(v1.startedAt).toEqual(expect.any(String))
    expect(v1.finishedAt).toEqual(expect.any(String))
    // The very image the row names.
    const inspect = JSON.parse(dockerCli(env, ['image', 'inspect', v1.imageTag]))[0]
    expect(inspect.Id).toBe(v1.imageId)
    expect(dockerCli(env, ['run', '--rm', v1.imageTag, 'cat', '/www/index.html'])).toBe('v1')
  })

  it('keeps the full engine output as the log, served as text/plain', async () => {
    const res = await fetch(`${serve.url}/v1/cicd/builds/${v1.id}/logs`, {
      headers: { Authorization: `Bearer ${serve.adminToken}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    // The engine adds the labels as steps of its own after the Dockerfile's four.
    expect(text).toMatch(new RegExp(`Step 1/\\d+ : FROM ${env.busyboxImage}`))
    expect(text).toMatch(/Step 2\/\d+ : COPY \. \/www\//)
    expect(text).toMatch(/Step 3\/\d+ : RUN echo "built at step two" && ls \/www/)
    // The step's own output (not only its command line): the step really ran.
    expect(text.split('\n')).toContain('built at step two')
    expect(text).not.toContain('Using cache')
    expect(text).toContain(`Checked out ${git.commits.v1.slice(0, 12)} Serve v1`)
    // The URL is logged, but only as given (no credentials in this one).
    expect(text).toContain(git.url)
    // The log file lives under the data dir.
    expect(existsSync(join(serve.dataDir, 'builds', `${v1.id}.log`))).toBe(true)
  })

  it('leaves out what .dockerignore excludes, and sends the rest', async () => {
    const listing = dockerCli(env, ['run', '--rm', v1.imageTag, 'ls', '-a', '/www']).split('\n')
    expect(listing).toContain('index.html')
    expect(listing).toContain('Dockerfile')
    expect(listing).toContain('.dockerignore')
    expect(listing).not.toContain(GIT_SERVER_IGNORED_FILE)
    expect(listing).not.toContain('.git')
    // The RUN step's `ls /www` ran inside the engine against the context as sent.
    const runStep = (await logText(v1.id)).split(/Step 3\/\d+/)[1]!.split(/Step 4\/\d+/)[0]!
    expect(runStep).toContain('index.html')
    expect(runStep).not.toContain(GIT_SERVER_IGNORED_FILE)
  })

  it('builds an exact commit id, and the default ref (main) when none is given', async () => {
    const byCommit = await buildAndWait(appId, { ref: git.commits.v2 })
    expect(byCommit, JSON.stringify(byCommit.error)).toMatchObject({ status: 'succeeded', commit: git.commits.v2 })
    expect(dockerCli(env, ['run', '--rm', byCommit.imageTag, 'cat', '/www/index.html'])).toBe('v2')
    const byDefault = await buildAndWait(appId)
    expect(byDefault).toMatchObject({ status: 'succeeded', ref: 'main', commit: git.commits.v2 })
  })

  it('lists the service builds newest first', async () => {
    const res = await api.get(`/v1/cicd/services/${appId}/builds`)
    expect(res.status, res.text).toBe(200)
    expect(res.json.length).toBeGreaterThanOrEqual(3)
    expect(res.json.map((b: { ref: string }) => b.ref).slice(0, 3)).toEqual(['main', git.commits.v2, 'v1'])
    const limited = await api.get(`/v1/cicd/services/${appId}/builds?limit=1`)
    expect(limited.json).toHaveLength(1)
  })

  it('streams a finished build log over the WebSocket, then ends', async () => {
    const ws = await wsClient(serve.url, serve.adminToken)
    try {
      const id = ws.openStream('builds.log', { buildId: v1.id })
      const end = await ws.next((m) => m.type === 'stream.end' && m.id === id)
      expect(end.error).toBeUndefined()
      const lines = ws.messages
        .filter((m) => m.type === 'stream.data' && m.id === id)
        .flatMap((m) => m.data.lines as string[])
      expect(lines.join('\n')).toBe((await logText(v1.id)).replace(/\n$/, ''))
    } finally {
      ws.close()
    }
  })

  it('fails with build_failed and the engine message when a step fails', async () => {
    const id = await gitService('broken', { url: extraRepo, ref: 'main', dockerfile: 'Dockerfile.fail' })
    const started = await startBuild(id)
    const job = await finishedJob(started.jobId)
    expect(job.status).toBe('failed')
    expect(job.error.code).toBe('build_failed')
    const failed = await build(started.buildId)
    expect(failed.status).toBe('failed')
    expect(failed.error.code).toBe('build_failed')
    expect(failed.error.message).toContain('returned a non-zero code: 7')
    expect(failed.imageId).toBeNull()
    expect(await logText(started.buildId)).toContain('about-to-fail')
  })

  it('fails with build_failed and the engine message for a Dockerfile it cannot parse', async () => {
    const id = await gitService('unparsable', { url: extraRepo, ref: 'main', dockerfile: 'Dockerfile.parse' })
    const failed = await buildAndWait(id)
    expect(failed.status).toBe('failed')
    expect(failed.error.code).toBe('build_failed')
    expect(failed.error.message.toLowerCase()).toContain('frobnicate')
  })

  it('fails with git_failed for a ref the repository does not have', async () => {
    const failed = await buildAndWait(appId, { ref: 'no-such-branch' })
    expect(failed).toMatchObject({ status: 'failed', commit: null, error: { code: 'git_failed' } })
  })

  it('refuses hostile refs before anything runs', async () => {
    for (const ref of ['--upload-pack=touch /tmp/x', '-u', 'a b', 'a..b']) {
      const res = await api.post(`/v1/cicd/services/${appId}/build`, { ref })
      expect(res.status, ref).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field: 'ref' })
    }
  })

  it('cancels: the engine aborts the build and removes its build container', async () => {
    const marker = `cancel-${suffix}`
    const id = await gitService('slow', {
      url: extraRepo,
      ref: 'main',
      dockerfile: 'Dockerfile.cancel',
      buildArgs: { MARKER: marker },
    })
    const step = `step-cancel-${suffix}`
    const started = await startBuild(id)
    const ws = await wsClient(serve.url, serve.adminToken)
    try {
      const stream = ws.openStream('builds.log', { buildId: started.buildId })
      await ws.next(
        (m) => m.type === 'stream.data' && m.id === stream && m.data.lines.some((l: string) => l === `slow-${marker}`),
        60_000,
      )
      expect((await build(started.buildId)).status).toBe('running')
      expect(containersRunning(step)).not.toEqual([])
      const cancel = await api.post(`/v1/jobs/${started.jobId}/cancel`)
      expect(cancel.status, cancel.text).toBe(200)
      expect((await finishedJob(started.jobId)).status).toBe('canceled')
      await ws.next((m) => m.type === 'stream.end' && m.id === stream)
    } finally {
      ws.close()
    }
    expect(await build(started.buildId)).toMatchObject({ status: 'canceled', imageId: null })
    await eventually(async () => containersRunning(step, true).length === 0, 30_000, 'build container gone')
  })
})

describe('roles', () => {
  it('lets a viewer read builds and logs but not start one; a deployer may build', async () => {
    const viewer = await api.post('/v1/tokens', { name: `viewer-${suffix}`, role: 'viewer' })
    const deployer = await api.post('/v1/tokens', { name: `deployer-${suffix}`, role: 'deployer' })
    const asViewer = apiClient(serve.url, viewer.json.token)
    const asDeployer = apiClient(serve.url, deployer.json.token)
    const list = await asViewer.get(`/v1/cicd/services/${appId}/builds`)
    expect(list.status).toBe(200)
    const first = list.json[0]
    expect((await asViewer.get(`/v1/cicd/builds/${first.id}`)).status).toBe(200)
    expect((await asViewer.get(`/v1/cicd/builds/${first.id}/logs`)).status).toBe(200)
    const refused = await asViewer.post(`/v1/cicd/services/${appId}/build`, {})
    expect(refused.status).toBe(403)
    expect(refused.json.error.code).toBe('forbidden')
    expect((await asViewer.get(`/v1/cicd/services/${appId}/builds`)).json).toHaveLength(list.json.length)
    const allowed = await asDeployer.post(`/v1/cicd/services/${appId}/build`, { ref: 'v1' })
    expect(allowed.status, allowed.text).toBe(202)
    expect((await finishedJob(allowed.json.jobId)).status).toBe('succeeded')
    // A repository path reads this machine's own disk: only an admin may give a service one.
    const local = { name: `local-${suffix}`, git: { url: git.path, ref: 'main' } }
    const localRefused = await asDeployer.post(`/v1/projects/${projectId}/services`, local)
    expect(localRefused.status).toBe(403)
    expect(localRefused.json.error).toMatchObject({ code: 'forbidden', field: 'git.url' })
    const moved = await asDeployer.patch(`/v1/services/${appId}`, { git: { url: git.path, ref: 'main' } })
    expect(moved.status).toBe(403)
    expect((await api.get(`/v1/services/${appId}`)).json.spec.git.url).toBe(git.url)
  })

  it('answers not_found for an unknown build or service, and validation for a service without git', async () => {
    expect((await api.get('/v1/cicd/builds/zzzzzzzzzzzz')).status).toBe(404)
    expect((await api.post('/v1/cicd/services/zzzzzzzzzzzz/build', {})).status).toBe(404)
    const plain = await api.post(`/v1/projects/${projectId}/services`, { name: 'plain', image: env.busyboxImage })
    expect(plain.status, plain.text).toBe(201)
    const res = await api.post(`/v1/cicd/services/${plain.json.id}/build`, {})
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'validation', field: 'serviceId' })
  })
})

describe('kill -9 of glinrdock during a build', () => {
  it('after a restart the job is not running, the build failed, and the engine runs no build', async () => {
    const marker = `kill-${suffix}`
    const id = await gitService('doomed', {
      url: extraRepo,
      ref: 'main',
      dockerfile: 'Dockerfile.kill',
      buildArgs: { MARKER: marker },
    })
    const step = `step-kill-${suffix}`
    const started = await startBuild(id)
    await eventually(async () => (await logText(started.buildId)).includes(`slow-${marker}`), 60_000, 'slow step')
    expect(containersRunning(step)).not.toEqual([])
    await serve.kill9()

    serve = await startServe({ dataDir: serve.dataDir, adminToken: serve.adminToken })
    api = apiClient(serve.url, serve.adminToken)
    const job = await finishedJob(started.jobId, 30_000)
    expect(job.status).toBe('failed')
    expect(job.error.code).toBe('interrupted')
    const after = await build(started.buildId)
    expect(after).toMatchObject({ status: 'failed', error: { code: 'interrupted' }, imageId: null })
    await eventually(async () => containersRunning(step, true).length === 0, 30_000, 'build container gone')
    // No checkout is left behind under the data dir.
    expect(readdirSync(join(serve.dataDir, 'builds', 'work'))).toEqual([])
  })
})
