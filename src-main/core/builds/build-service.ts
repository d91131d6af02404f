import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import type { BuildLog, BuildSummary } from '../../../src-preload/contract/cicd'
import type { JobSummary } from '../../../src-preload/contract/jobs'
import type { Logger } from '../../infra/logging/logger'
import type { EventBus } from '../events/event-bus'
import { fetchCommit, isFullCommitSha } from '../git'
import { isFinished, type JobContext, type JobRunner } from '../jobs'
import type { ProjectService } from '../projects'
import { AppError, isAppError } from '../shared/app-error'
import type {
  BuildRequest,
  BuildStarter,
  BuiltImageDeployer,
  GitCredentialSource,
  Notify,
  NotifyInput,
} from '../shared/cicd-ports'
import { newId } from '../shared/ids'
import { buildContext } from './build-context'
import type { BuildLogs, BuildLogWatcher } from './build-log'
import type { BuildRecord, BuildStore } from './build-store'
import { buildOnEngine } from './engine-build'

export const SERVICE_BUILD_JOB = 'service.build'

interface BuildPayload {
  buildId: string
}

/** What the composition root connects after the other CI/CD domains exist (they may need builds first). */
export interface BuildPorts {
  deployer: BuiltImageDeployer
  notify: Notify
  credentials: GitCredentialSource
}

/** The engines builds run on: `HostConnections` (a tunnel for remote hosts). */
export interface BuildEngines {
  get(hostId: string): { docker(): Promise<Dockerode> }
}

export interface BuildServiceDeps {
  store: BuildStore
  logs: BuildLogs
  /** Services and their projects, as ProjectService reads them. */
  projects: Pick<ProjectService, 'service' | 'projectOf'>
  connections: BuildEngines
  jobs: JobRunner
  events: EventBus
  /** Where clones live while a build runs (`<dataDir>/builds/work`); each is removed when its build ends. */
  workDir: string
  logger: Logger
  now?: () => Date
}

/** `glinrdock/<project>-<service>:<first 12 of the commit>`. */
export const imageTagOf = (project: string, service: string, commit: string): string =>
  `glinrdock/${project}-${service}:${commit.slice(0, 12)}`

/**
 * Builds of services with a git source: each is a row (the history, with the exact commit, tag and image id) and a
 * `service.build` job that checks the commit out on this machine, streams the context to the service's engine,
 * and records the outcome. One build per service runs at a time; builds do not wait for the project's deploys.
 */
export class BuildService implements BuildStarter {
  private readonly ports: Partial<BuildPorts> = {}
  private readonly now: () => Date

  constructor(private readonly deps: BuildServiceDeps) {
    this.now = deps.now ?? (() => new Date())
  }

  connect(ports: Partial<BuildPorts>): void {
    Object.assign(this.ports, ports)
  }

  /**
   * Registers the job kind and settles what a previous process left: call before `jobs.start()`, whose sweep of
   * dead runners' jobs then reaches the builds through `jobs.changed`.
   */
  registerJobs(): void {
    this.deps.jobs.register<BuildPayload>(SERVICE_BUILD_JOB, (_job, ctx) => this.run(ctx))
    this.deps.events.on('jobs.changed', ({ job }) => {
      if (job.kind === SERVICE_BUILD_JOB && isFinished(job.status)) this.settleFromJob(job)
    })
    this.reconcile()
  }

  startBuild(request: BuildRequest): { buildId: string; jobId: string } {
    const service = this.deps.projects.service(request.serviceId)
    const project = this.deps.projects.projectOf(service)
    const git = service.spec.git
    if (!git) {
      throw new AppError(
        'validation',
        `Service ${service.name} has no git source to build (it runs the image ${service.spec.image ?? 'it names'})`,
        'serviceId',
      )
    }
    const commit = request.commit ?? null
    if (commit !== null && !isFullCommitSha(commit)) throw new AppError('validation', 'Not a full commit id', 'commit')
    const id = newId()
    this.deps.store.insert({
      id,
      serviceId: service.id,
      projectId: project.id,
      hostId: project.hostId,
      trigger: request.trigger,
      ref: request.ref ?? git.ref,
      commit,
      deployAfter: request.deploy,
      logPath: this.deps.logs.pathOf(id),
      createdAt: this.iso(),
    })
    let job: JobSummary
    try {
      job = this.deps.jobs.enqueue({
        kind: SERVICE_BUILD_JOB,
        hostId: project.hostId,
        serviceId: service.id,
        // Not `project:<id>` (deploys): a long build must not hold the project's deploys and rollbacks back.
        lockKey: `build:${service.id}`,
        payload: { buildId: id } satisfies BuildPayload,
      })
    } catch (err) {
      this.deps.store.delete(id)
      throw err
    }
    this.deps.store.setJob(id, job.id)
    this.changed(service.id, id)
    return { buildId: id, jobId: job.id }
  }

  /** Newest first. */
  list(serviceId: string, limit = 50): BuildSummary[] {
    this.deps.projects.service(serviceId)
    return this.deps.store.listByService(serviceId, limit).map(summaryOf)
  }

  get(id: string): BuildSummary {
    return summaryOf(this.record(id))
  }

  logs(id: string): BuildLog {
    return this.deps.logs.read(this.record(id).logPath)
  }

  /** The log so far and its next lines; `finished` when none will come. */
  watchLog(id: string, watcher: BuildLogWatcher): { kept: string[]; finished: boolean; stop: () => void } {
    const build = this.record(id)
    const watch = this.deps.logs.watch(id, build.logPath, watcher)
    if (build.status === 'queued' || build.status === 'running') return { ...watch, finished: false }
    watch.stop()
    return { kept: watch.kept, finished: true, stop: () => undefined }
  }

  private record(id: string): BuildRecord {
    const build = this.deps.store.get(id)
    if (!build) throw new AppError('not_found', `No build with id ${id}`)
    return build
  }

  private async run(ctx: JobContext<BuildPayload>): Promise<void> {
    const { buildId } = ctx.payload
    const build = this.deps.store.get(buildId)
    // Gone with its service, or already settled (canceled while queued): nothing to do.
    if (!build || !this.deps.store.markRunning(buildId, this.iso())) return
    const startedMs = this.now().getTime()
    this.changed(build.serviceId, buildId)
    const write = (lines: string[]): void => {
      this.deps.logs.append(buildId, build.logPath, lines)
      for (const line of lines) ctx.log(line)
    }
    const clone = join(this.deps.workDir, buildId)
    let context: ReturnType<ReturnType<typeof buildContext>['stream']> | undefined
    try {
      const service = this.deps.projects.service(build.serviceId)
      const project = this.deps.projects.projectOf(service)
      const git = service.spec.git
      if (!git) throw new AppError('validation', `Service ${service.name} no longer has a git source`, 'serviceId')

      ctx.progress(2, 'Fetching the source')
      await rm(clone, { recursive: true, force: true })
      const fetched = await fetchCommit(git.url, build.commit ?? build.ref, clone, {
        signal: ctx.signal,
        credentials: this.ports.credentials,
        log: (line) => write([line]),
      })
      write([`Source ready in ${this.now().getTime() - startedMs} ms`])
      const tag = imageTagOf(project.name, service.name, fetched.commit)
      this.deps.store.setCommit(buildId, fetched.commit, fetched.subject, tag)
      this.changed(service.id, buildId)

      const prepared = buildContext({ root: clone, context: git.context, dockerfile: git.dockerfile })
      const docker = await this.deps.connections.get(project.hostId).docker()
      ctx.progress(10, 'Building')
      write([`Building ${tag} on ${project.hostId} (${prepared.dockerfile})`])
      context = prepared.stream()
      // No labels: the classic builder adds each as a step with a container of its own (~200 ms apiece, most of
      // a small app's build). The tag carries the commit, and the build row everything else.
      const imageId = await buildOnEngine(docker, {
        context,
        tag,
        dockerfile: prepared.dockerfile,
        target: git.target,
        buildArgs: git.buildArgs,
        signal: ctx.signal,
        onLines: write,
        onStep: (step, of) => ctx.progress(10 + (85 * (step - 1)) / Math.max(1, of), `Step ${step}/${of}`),
      })
      const durationMs = this.now().getTime() - startedMs
      write([`Built ${tag} (${imageId}) in ${(durationMs / 1000).toFixed(1)} s`])
      this.finish(build, { status: 'succeeded', imageId, durationMs })
      this.notify({
        kind: 'build.succeeded',
        title: `Built ${project.name}/${service.name}`,
        body: `${fetched.commit.slice(0, 12)} ${fetched.subject} → ${tag}`,
        serviceId: service.id,
        projectId: project.id,
        buildId,
        actions: ['open_log'],
      })
      if (build.deployAfter) this.deployAfter(build, { tag, imageId, commit: fetched.commit }, write)
    } catch (err) {
      const canceled = ctx.signal.aborted
      const error = isAppError(err) ? err : new AppError('internal', 'The build failed unexpectedly')
      if (!isAppError(err)) this.deps.logger.error({ err, buildId }, 'build failed unexpectedly')
      write([canceled ? 'The build was canceled' : `The build failed: ${error.message}`])
      const durationMs = this.now().getTime() - startedMs
      this.finish(build, canceled ? { status: 'canceled', durationMs } : { status: 'failed', durationMs, error })
      if (!canceled) this.notifyFailure(build, error)
      throw error
    } finally {
      context?.destroy()
      await rm(clone, { recursive: true, force: true }).catch((err: unknown) =>
        this.deps.logger.warn({ err, buildId }, 'a build checkout could not be removed'),
      )
      this.deps.logs.end(buildId)
    }
  }

  private deployAfter(
    build: BuildRecord,
    built: { tag: string; imageId: string; commit: string },
    write: (lines: string[]) => void,
  ): void {
    const deployer = this.ports.deployer
    if (!deployer) {
      write(['No deployer is connected: the image was built but not deployed'])
      return
    }
    try {
      const { deploymentId, jobId } = deployer.deployBuilt(
        {
          buildId: build.id,
          serviceId: build.serviceId,
          imageTag: built.tag,
          imageId: built.imageId,
          commit: built.commit,
        },
        'build',
      )
      write([`Deployment ${deploymentId} started (job ${jobId})`])
    } catch (err) {
      // The build itself succeeded; the deployment that could not start is reported on its own.
      write([`The deployment could not start: ${isAppError(err) ? err.message : 'internal error'}`])
      if (!isAppError(err)) this.deps.logger.error({ err, buildId: build.id }, 'deploy after build failed to start')
    }
  }

  private finish(
    build: BuildRecord,
    end: { status: 'succeeded' | 'failed' | 'canceled'; imageId?: string; durationMs: number | null; error?: AppError },
  ): void {
    const error = end.error ? { code: end.error.code, message: end.error.message } : null
    const changed = this.deps.store.finish(build.id, {
      status: end.status,
      imageId: end.imageId ?? null,
      durationMs: end.durationMs,
      error,
      finishedAt: this.iso(),
    })
    if (changed) this.changed(build.serviceId, build.id)
  }

  private notifyFailure(build: BuildRecord, error: { code: string; message: string }): void {
    let where = build.serviceId
    try {
      const service = this.deps.projects.service(build.serviceId)
      where = `${this.deps.projects.projectOf(service).name}/${service.name}`
    } catch {
      // the service is gone: its id says enough
    }
    this.notify({
      kind: 'build.failed',
      title: `Build of ${where} failed`,
      body: error.message,
      serviceId: build.serviceId,
      projectId: build.projectId,
      buildId: build.id,
      actions: ['open_log'],
    })
  }

  /** A build job that ended without its handler settling the row (interrupted, canceled while queued, gone). */
  private settleFromJob(job: JobSummary): void {
    for (const build of this.deps.store.unfinished()) {
      if (build.jobId !== job.id) continue
      this.settleOrphan(build, job)
    }
  }

  private settleOrphan(build: BuildRecord, job: JobSummary | null): void {
    const status = job?.status === 'canceled' ? 'canceled' : 'failed'
    const error =
      status === 'canceled'
        ? undefined
        : new AppError(
            job?.error?.code ?? 'interrupted',
            job?.error?.message ?? 'glinrdock stopped while this build was running; it did not finish',
          )
    const startedMs = build.startedAt ? Date.parse(build.startedAt) : null
    const finishedMs = job?.finishedAt ? Date.parse(job.finishedAt) : this.now().getTime()
    this.finish(build, { status, durationMs: startedMs === null ? null : finishedMs - startedMs, error })
    if (status === 'failed') this.notifyFailure(build, error!)
    this.deps.logs.end(build.id)
  }

  /**
   * At start-up: a build whose job already ended (or was pruned) gets that ending; one whose job still runs
   * elsewhere or will be swept as interrupted is settled through `jobs.changed`. Leftover checkouts and the logs
   * of removed builds go: no build of this process has started yet.
   */
  private reconcile(): void {
    for (const build of this.deps.store.unfinished()) {
      let job: JobSummary | null = null
      try {
        job = build.jobId ? this.deps.jobs.get(build.jobId) : null
      } catch {
        job = null
      }
      if (!job || isFinished(job.status)) this.settleOrphan(build, job)
    }
    this.deps.logs.removeOrphans((id) => this.deps.store.get(id) !== undefined)
    // Synchronous: a build claimed right after start-up must not lose its fresh checkout to this sweep.
    mkdirSync(this.deps.workDir, { recursive: true, mode: 0o700 })
    for (const name of readdirSync(this.deps.workDir)) {
      rmSync(join(this.deps.workDir, name), { recursive: true, force: true })
    }
  }

  /** A notification that cannot be recorded must not turn a finished build into a failed one. */
  private notify(input: NotifyInput): void {
    try {
      this.ports.notify?.(input)
    } catch (err) {
      this.deps.logger.error({ err, kind: input.kind }, 'a build notification could not be recorded')
    }
  }

  private changed(serviceId: string, buildId: string): void {
    this.deps.events.emit('cicd.changed', { serviceId, buildId })
  }

  private iso(): string {
    return this.now().toISOString()
  }
}

function summaryOf(record: BuildRecord): BuildSummary {
  const { logPath: _logPath, ...summary } = record
  return summary
}
