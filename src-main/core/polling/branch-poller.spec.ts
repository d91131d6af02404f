import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../infra/sqlite/open-database'
import { lsRemote } from '../git'
import { ProjectStore } from '../projects/project-store'
import { gitServiceTargets } from '../webhooks/git-service-targets'
import {
  capturingLogger,
  editGitSource,
  RecordingBuildStarter,
  seedGitService,
  tempDir,
  testDb,
} from '../webhooks/webhooks-test-support'
import { BranchPoller, pollIntervalOverrideFromEnv, type LsRemote, type PollerTimers } from './branch-poller'
import { PollStateStore } from './poll-state-store'

/** Timers the spec advances by hand: nothing waits 60 s, and every scheduled delay can be read. */
class ManualTimers implements PollerTimers {
  private nextId = 1
  readonly pending = new Map<number, { at: number; run: () => void; ms: number }>()
  clock = 0
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++
    this.pending.set(id, { at: this.clock + ms, run, ms })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }
  now(): Date {
    return new Date(1_800_000_000_000 + this.clock)
  }
  /** Delays of the timers pending now, in the order they were set. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms)
  }
  /** Runs every timer due within `ms`, in time order. */
  advance(ms: number): void {
    const until = this.clock + ms
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.pending.delete(due[0])
      this.clock = due[1].at
      due[1].run()
    }
    this.clock = until
  }
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'glinrdock tests',
  GIT_AUTHOR_EMAIL: 'tests@glinrdock.invalid',
  GIT_COMMITTER_NAME: 'glinrdock tests',
  GIT_COMMITTER_EMAIL: 'tests@glinrdock.invalid',
}

/** A real bare repository on disk (a local-path git source) and a work tree that pushes to it. */
function localRepo() {
  const root = tempDir('gd-poll-git-')
  const bare = join(root, 'app.git')
  const work = join(root, 'work')
  const git = (cwd: string, args: string[]) =>
    execFileSync('git', args, { cwd, env: { ...process.env, ...IDENTITY, GIT_CONFIG_NOSYSTEM: '1' } })
      .toString()
      .trim()
  git(root, ['init', '--quiet', '--bare', '--initial-branch=main', '--', bare])
  git(root, ['init', '--quiet', '--initial-branch=main', '--', work])
  let n = 0
  const push = (): string => {
    writeFileSync(join(work, 'index.html'), `v${++n}\n`)
    git(work, ['add', '--all'])
    git(work, ['commit', '--quiet', '-m', `v${n}`])
    git(work, ['push', '--quiet', '--', bare, 'main'])
    return git(work, ['rev-parse', 'HEAD'])
  }
  return { url: bare, push }
}

let db: Database
let timers: ManualTimers
let builds: RecordingBuildStarter
let state: PollStateStore
let repo: ReturnType<typeof localRepo>
let calls: { inFlight: number; most: number; count: number }

/** The real `lsRemote`, counted: how many ran, and how many at once. */
const countedLsRemote: LsRemote = async (url, ref, options) => {
  calls.count++
  calls.most = Math.max(calls.most, ++calls.inFlight)
  try {
    return await lsRemote(url, ref, options)
  } finally {
    calls.inFlight--
  }
}

function poller(options: { maxConcurrent?: number; random?: () => number } = {}): BranchPoller {
  return new BranchPoller({
    targets: gitServiceTargets(new ProjectStore(db)),
    lsRemote: countedLsRemote,
    builds,
    state,
    logger: capturingLogger().logger,
    timers,
    random: options.random ?? (() => 0.5),
    maxConcurrent: options.maxConcurrent,
  })
}

beforeEach(() => {
  db = testDb()
  timers = new ManualTimers()
  builds = new RecordingBuildStarter()
  state = new PollStateStore(db)
  repo = localRepo()
  calls = { inFlight: 0, most: 0, count: 0 }
})

describe('BranchPoller', () => {
  it('records the first observation only, then builds each new commit once (deploying with autoDeploy)', async () => {
    const first = repo.push()
    const { serviceId } = seedGitService(db, { url: repo.url, ref: 'main', poll: true }, { autoDeploy: true })
    const p = poller()
    p.start()
    expect(p.followed()).toEqual([serviceId])
    expect(await p.pollNow(serviceId)).toBe('recorded')
    expect(state.get(serviceId)?.lastCommit).toBe(first)
    expect(await p.pollNow(serviceId)).toBe('unchanged')
    expect(builds.requests).toEqual([])

    const second = repo.push()
    expect(await p.pollNow(serviceId)).toBe('built')
    expect(builds.requests).toEqual([{ serviceId, commit: second, ref: 'main', trigger: 'poll', deploy: true }])
    expect(await p.pollNow(serviceId)).toBe('unchanged')
    expect(builds.requests).toHaveLength(1)
    p.dispose()
  })

  it('does not build a commit that was built already (by hand or by a push)', async () => {
    repo.push()
    const { serviceId, projectId } = seedGitService(db, { url: repo.url, ref: 'main', poll: true })
    const p = poller()
    p.start()
    await p.pollNow(serviceId)
    const next = repo.push()
    db.prepare(
      `INSERT INTO builds (id, service_id, project_id, host_id, status, trigger, ref, commit_sha, log_path, created_at,
         finished_at) VALUES ('b1', ?, ?, 'h', 'succeeded', 'manual', 'main', ?, '/x.log', 'now', 'now')`,
    ).run(serviceId, projectId, next)
    expect(await p.pollNow(serviceId)).toBe('known')
    expect(builds.requests).toEqual([])
    p.dispose()
  })

  it('polls on its schedule: the interval ± 20 %, 60 s by default', async () => {
    repo.push()
    seedGitService(db, { url: repo.url, ref: 'main', poll: true })
    seedGitService(db, { url: repo.url, ref: 'main', poll: true, pollIntervalSeconds: 15 })
    let r = 0
    const randoms = [0, 1, 0, 1]
    const p = poller({ random: () => randoms[r++ % randoms.length]! })
    p.start()
    // First polls come within 5 s.
    expect(timers.delays().every((ms) => ms >= 0 && ms <= 5000)).toBe(true)
    timers.advance(5000)
    await waitFor(() => calls.count === 2 && timers.pending.size === 2)
    // Then the interval, jittered: random 0 → −20 %, random 1 → +20 %.
    const delays = timers.delays().sort((a, b) => a - b)
    expect(delays[0]).toBeGreaterThanOrEqual(12_000)
    expect(delays[0]).toBeLessThanOrEqual(18_000)
    expect(delays[1]).toBeGreaterThanOrEqual(48_000)
    expect(delays[1]).toBeLessThanOrEqual(72_000)
    p.dispose()
    expect(timers.pending.size).toBe(0)
  })

  it('backs off on failures and recovers', async () => {
    const { serviceId } = seedGitService(db, { url: repo.url, ref: 'main', poll: true, pollIntervalSeconds: 60 })
    const p = poller({ random: () => 0.5 })
    p.start()
    // The repository has no main yet: a failure, counted, with a longer wait each time.
    expect(await p.pollNow(serviceId)).toBe('failed')
    const afterOne = timers.delays()[0]!
    expect(await p.pollNow(serviceId)).toBe('failed')
    const afterTwo = timers.delays()[0]!
    expect(afterOne).toBe(60_000 + 30_000)
    expect(afterTwo).toBe(60_000 + 60_000)
    repo.push()
    expect(await p.pollNow(serviceId)).toBe('recorded')
    expect(timers.delays()[0]).toBe(60_000)
    expect(state.get(serviceId)).toMatchObject({ failures: 0, lastError: null })
    p.dispose()
  })

  it('tries a commit again when its build could not start', async () => {
    repo.push()
    const { serviceId } = seedGitService(db, { url: repo.url, ref: 'main', poll: true })
    const p = poller()
    p.start()
    await p.pollNow(serviceId)
    const next = repo.push()
    builds.refuse = new Error('engine away')
    expect(await p.pollNow(serviceId)).toBe('failed')
    builds.refuse = null
    expect(await p.pollNow(serviceId)).toBe('built')
    expect(builds.requests.map((b) => b.commit)).toEqual([next])
    p.dispose()
  })

  it('follows services created, edited and removed', async () => {
    repo.push()
    const p = poller()
    p.start()
    expect(p.followed()).toEqual([])
    const a = seedGitService(db, { url: repo.url, ref: 'main', poll: true })
    const b = seedGitService(db, { url: repo.url, ref: 'main' })
    p.refresh()
    expect(p.followed()).toEqual([a.serviceId])
    expect(await p.pollNow(a.serviceId)).toBe('recorded')
    // Another branch: a first observation again (nothing built).
    const other = localRepo()
    other.push()
    editGitSource(db, a.serviceId, { url: other.url })
    editGitSource(db, b.serviceId, { poll: true })
    p.refresh()
    expect(p.followed().sort()).toEqual([a.serviceId, b.serviceId].sort())
    expect(await p.pollNow(a.serviceId)).toBe('recorded')
    expect(builds.requests).toEqual([])
    db.prepare('DELETE FROM services WHERE id = ?').run(a.serviceId)
    editGitSource(db, b.serviceId, { poll: false })
    p.refresh()
    expect(p.followed()).toEqual([])
    expect(timers.pending.size).toBe(0)
    p.dispose()
  })

  it('runs at most one ls-remote per service, and at most maxConcurrent overall', async () => {
    repo.push()
    const ids = [1, 2, 3, 4].map(() => seedGitService(db, { url: repo.url, ref: 'main', poll: true }).serviceId)
    const p = poller({ maxConcurrent: 2 })
    p.start()
    const first = p.pollNow(ids[0]!)
    expect(await p.pollNow(ids[0]!)).toBe('skipped')
    const outcomes = await Promise.all([first, ...ids.slice(1).map((id) => p.pollNow(id))])
    expect(outcomes).toEqual(['recorded', 'recorded', 'recorded', 'recorded'])
    expect(calls.count).toBe(4)
    expect(calls.most).toBeLessThanOrEqual(2)
    p.dispose()
  })

  it('never follows a ref that is a commit id (it cannot move)', () => {
    seedGitService(db, { url: repo.url, ref: 'a'.repeat(40), poll: true })
    const p = poller()
    p.start()
    expect(p.followed()).toEqual([])
    p.dispose()
  })

  it('reads an interval override only from a sane GLINRDOCK_POLL_INTERVAL_MS', () => {
    expect(pollIntervalOverrideFromEnv({})).toBeUndefined()
    expect(pollIntervalOverrideFromEnv({ GLINRDOCK_POLL_INTERVAL_MS: '500' })).toBe(500)
    for (const bad of ['', '0', '99', '1e3', '-1', '0x10', '99999999999'])
      expect(pollIntervalOverrideFromEnv({ GLINRDOCK_POLL_INTERVAL_MS: bad })).toBeUndefined()
  })
})

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}
