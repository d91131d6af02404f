import type { Logger } from '../../infra/logging/logger'
import { AppError, isAppError } from '../shared/app-error'
import { backoffDelay } from '../shared/backoff'
import type { BuildStarter, GitCredentialSource } from '../shared/cicd-ports'
import type { GitServiceTarget } from '../webhooks/push-matching'
import type { PollStateStore } from './poll-state-store'

export type LsRemote = (
  url: string,
  ref: string,
  options: { signal?: AbortSignal; credentials?: GitCredentialSource },
) => Promise<string | null>

/** Timers the poller runs on: the real ones in production, a manual clock in unit specs. */
export interface PollerTimers {
  setTimeout(run: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  now(): Date
}

export const REAL_TIMERS: PollerTimers = {
  setTimeout: (run, ms) => {
    const handle = setTimeout(run, ms)
    // A pending poll must not keep a process alive that is otherwise done.
    handle.unref?.()
    return handle
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => new Date(),
}

export const DEFAULT_POLL_INTERVAL_SECONDS = 60
/** Each wait is the interval ± this fraction, so services added together do not poll in lockstep. */
const JITTER = 0.2
/** Failed polls wait longer each time (exponential, full jitter on top of the interval), up to this. */
const MAX_BACKOFF_MS = 15 * 60_000
/** A new service's first poll comes within this (it only records what the branch points at). */
const FIRST_POLL_WITHIN_MS = 5_000
/** `projects.changed` fires for every status change: the service list is re-read at most this often. */
const REFRESH_DEBOUNCE_MS = 500

export interface BranchPollerDeps {
  /** Every service with a git source; the poller follows those with `git.poll`. */
  targets: () => GitServiceTarget[]
  lsRemote: LsRemote
  credentials?: GitCredentialSource
  builds: BuildStarter
  state: PollStateStore
  logger: Logger
  timers?: PollerTimers
  random?: () => number
  /** ls-remotes in flight at once, over all services. */
  maxConcurrent?: number
  /** Replaces every service's interval: specs poll faster than the contract's 15 s minimum allows. */
  intervalMsOverride?: number
}

interface Entry {
  target: GitServiceTarget
  timer: unknown
  running: boolean
  failures: number
}

export type PollOutcome = 'recorded' | 'unchanged' | 'built' | 'known' | 'failed' | 'skipped'

const sourceKey = (t: GitServiceTarget): string => `${t.git.url}\n${t.git.ref}\n${t.git.pollIntervalSeconds ?? ''}`
const isCommitId = (ref: string): boolean => /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(ref)

/**
 * Follows branches for servers GitHub cannot reach (the usual case for a laptop): every service whose git source
 * has `poll` is checked with `git ls-remote` every `pollIntervalSeconds` (60 s by default, ± 20 %), and a commit
 * the branch did not point at before is built (then deployed when the service has `autoDeploy`), unless a build
 * of that commit exists already. The first observation of a branch only records it: what is deployed now is not
 * rebuilt because glinrdock started or the service began to poll. At most one ls-remote per service at a time,
 * `maxConcurrent` overall; failures back off; `refresh()` picks up services created, edited or removed.
 */
export class BranchPoller {
  private readonly entries = new Map<string, Entry>()
  private readonly timers: PollerTimers
  private readonly random: () => number
  private readonly maxConcurrent: number
  private readonly abort = new AbortController()
  private readonly waiting: (() => void)[] = []
  private active = 0
  private refreshTimer: unknown = null
  private disposed = false

  constructor(private readonly deps: BranchPollerDeps) {
    this.timers = deps.timers ?? REAL_TIMERS
    this.random = deps.random ?? Math.random
    this.maxConcurrent = Math.max(1, deps.maxConcurrent ?? 4)
  }

  start(): void {
    this.refresh()
  }

  /** Re-reads the services soon (a burst of changes is one read). */
  refreshSoon(): void {
    if (this.disposed || this.refreshTimer !== null) return
    this.refreshTimer = this.timers.setTimeout(() => {
      this.refreshTimer = null
      this.refresh()
    }, REFRESH_DEBOUNCE_MS)
  }

  /** Follows what should be followed now: new services scheduled, edited ones rescheduled, removed ones dropped. */
  refresh(): void {
    if (this.disposed) return
    const wanted = new Map<string, GitServiceTarget>()
    for (const target of this.deps.targets())
      if (target.git.poll === true && !isCommitId(target.git.ref)) wanted.set(target.id, target)
    for (const [id, entry] of this.entries) {
      if (!wanted.has(id)) {
        this.timers.clearTimeout(entry.timer)
        this.entries.delete(id)
      }
    }
    for (const [id, target] of wanted) {
      const entry = this.entries.get(id)
      if (!entry) {
        const added: Entry = { target, timer: null, running: false, failures: 0 }
        this.entries.set(id, added)
        this.schedule(added, this.random() * FIRST_POLL_WITHIN_MS)
        continue
      }
      const moved = sourceKey(entry.target) !== sourceKey(target)
      entry.target = target
      if (moved && !entry.running) {
        entry.failures = 0
        this.schedule(entry, this.random() * FIRST_POLL_WITHIN_MS)
      }
    }
  }

  /** Services followed now (for tests and diagnostics). */
  followed(): string[] {
    return [...this.entries.keys()]
  }

  /** Polls one followed service now (outside its schedule); `skipped` when it is not followed or already polling. */
  async pollNow(serviceId: string): Promise<PollOutcome> {
    const entry = this.entries.get(serviceId)
    if (!entry || entry.running || this.disposed) return 'skipped'
    this.timers.clearTimeout(entry.timer)
    return this.poll(entry)
  }

  dispose(): void {
    this.disposed = true
    this.abort.abort()
    this.timers.clearTimeout(this.refreshTimer)
    for (const entry of this.entries.values()) this.timers.clearTimeout(entry.timer)
    this.entries.clear()
    for (const wake of this.waiting.splice(0)) wake()
  }

  private schedule(entry: Entry, delayMs?: number): void {
    this.timers.clearTimeout(entry.timer)
    if (this.disposed) return
    const base =
      this.deps.intervalMsOverride ?? (entry.target.git.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000
    const jittered = base * (1 - JITTER + 2 * JITTER * this.random())
    const backoff =
      entry.failures > 0 ? backoffDelay(entry.failures, { initialMs: base, maxMs: MAX_BACKOFF_MS }, this.random) : 0
    entry.timer = this.timers.setTimeout(() => void this.poll(entry), Math.round(delayMs ?? jittered + backoff))
  }

  private async poll(entry: Entry): Promise<PollOutcome> {
    entry.timer = null
    if (entry.running || this.disposed) return 'skipped'
    entry.running = true
    await this.slot()
    const target = entry.target
    let outcome: PollOutcome = 'skipped'
    try {
      if (this.disposed || this.entries.get(target.id) !== entry) return 'skipped'
      const commit = await this.deps.lsRemote(target.git.url, target.git.ref, {
        signal: this.abort.signal,
        credentials: this.deps.credentials,
      })
      if (this.disposed || this.entries.get(target.id) !== entry) return 'skipped'
      if (commit === null) throw new AppError('git_failed', `The repository has no branch or tag ${target.git.ref}`)
      outcome = this.observe(target, commit)
      entry.failures = 0
    } catch (err) {
      if (this.disposed) return 'skipped'
      entry.failures++
      outcome = 'failed'
      const message = isAppError(err) ? err.message : 'Internal error'
      this.deps.state.recordFailure(target.id, message, this.timers.now())
      // The message of a git failure is redacted by core/git; anything else is logged as an error object.
      if (isAppError(err))
        this.deps.logger.warn({ serviceId: target.id, code: err.code, message }, 'branch poll failed')
      else this.deps.logger.error({ serviceId: target.id, err }, 'branch poll failed')
    } finally {
      this.release()
      entry.running = false
      // The entry may have been edited while it polled: the schedule follows what it is now.
      if (this.entries.get(target.id) === entry) this.schedule(entry)
    }
    return outcome
  }

  /** What one successful ls-remote means; a build that cannot start throws, so the commit is tried again. */
  private observe(target: GitServiceTarget, commit: string): PollOutcome {
    const { url, ref } = target.git
    const previous = this.deps.state.get(target.id)
    const now = this.timers.now()
    const first = !previous || previous.url !== url || previous.ref !== ref || previous.lastCommit === null
    if (first || previous.lastCommit === commit) {
      this.deps.state.recordCommit(target.id, url, ref, commit, now)
      return first ? 'recorded' : 'unchanged'
    }
    if (this.deps.state.hasBuildOf(target.id, commit)) {
      this.deps.state.recordCommit(target.id, url, ref, commit, now)
      return 'known'
    }
    const started = this.deps.builds.startBuild({
      serviceId: target.id,
      commit,
      ref,
      trigger: 'poll',
      deploy: target.autoDeploy,
    })
    this.deps.state.recordCommit(target.id, url, ref, commit, now)
    this.deps.logger.info(
      { serviceId: target.id, commit: commit.slice(0, 12), buildId: started.buildId },
      'new commit on a followed branch: build started',
    )
    return 'built'
  }

  private async slot(): Promise<void> {
    while (this.active >= this.maxConcurrent && !this.disposed) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
  }

  private release(): void {
    this.active--
    this.waiting.shift()?.()
  }
}

/**
 * `GLINRDOCK_POLL_INTERVAL_MS`: an operator's (and the specs') override of every followed branch's interval, read
 * from the environment only, never from a request. Unset or out of range (below 100 ms, above a day): none.
 */
export function pollIntervalOverrideFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.GLINRDOCK_POLL_INTERVAL_MS
  if (raw === undefined || !/^\d{1,9}$/.test(raw)) return undefined
  const ms = Number(raw)
  return ms >= 100 && ms <= 86_400_000 ? ms : undefined
}
