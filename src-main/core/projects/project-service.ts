import type { z } from 'zod'
import type { Role } from '../../../src-preload/contract/roles'
import {
  CreateServiceInput,
  projectNetworkName,
  type CreateProjectInput,
  type ProjectSummary,
  type ServiceSpec,
  type ServiceSummary,
  type UpdateServiceInput,
} from '../../../src-preload/contract/projects'
import type { EventBus } from '../events/event-bus'
import type { HostService } from '../hosts'
import { AppError } from '../shared/app-error'
import { newId } from '../shared/ids'
import { specHash } from './container-config'
import type { ProjectRecord, ProjectStore, ServiceRecord, StoredSpec } from './project-store'
import { envValues, resolvedSpec, type ServiceEnv } from './service-env'
import { releasedSpec } from './service-release'
import { serviceStatus } from './service-status'
import type { ServiceStatusTracker } from './status-tracker'

type ParsedCreateService = z.output<typeof CreateServiceInput>
type ParsedUpdateService = z.output<typeof UpdateServiceInput>
type ParsedProject = z.output<typeof CreateProjectInput>
type EnvInput = ParsedCreateService['env']

/** A new service as a caller described it, with where its fields came from (for error paths in an import). */
export interface NewService {
  input: Omit<ParsedCreateService, 'projectId'>
  origin?: 'created' | 'adopted'
  /** Adoption: the running container it takes over, which already matches the spec. */
  containerId?: string
  running?: boolean
  /** Prefix for error fields: `services.web.` in a compose import. */
  fieldPrefix?: string
}

const noProject = (id: string): AppError => new AppError('not_found', `No project with id ${id}`)

/**
 * Projects and the specs of their services: what glinrdock stores. The engine side (deploy, stop, remove) is
 * in ServiceLifecycle; statuses come from the tracker. Every write checks the whole spec first and stores
 * nothing on failure; a batch (compose import, adoption) is one transaction.
 */
export class ProjectService {
  constructor(
    private readonly store: ProjectStore,
    private readonly hosts: HostService,
    private readonly env: ServiceEnv,
    private readonly tracker: ServiceStatusTracker,
    private readonly events: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  project(id: string): ProjectRecord {
    const project = this.store.project(id)
    if (!project) throw noProject(id)
    return project
  }

  service(id: string): ServiceRecord {
    const service = this.store.service(id)
    if (!service) throw new AppError('not_found', `No service with id ${id}`)
    return service
  }

  projectOf(service: ServiceRecord): ProjectRecord {
    return this.project(service.projectId)
  }

  records(projectId: string): ServiceRecord[] {
    return this.store.services(projectId)
  }

  async list(hostId?: string): Promise<ProjectSummary[]> {
    const projects = this.store.projects(hostId)
    await Promise.all([...new Set(projects.map((p) => p.hostId))].map((id) => this.tracker.ready(id)))
    return projects.map((p) => this.projectSummary(p))
  }

  async getProject(id: string): Promise<ProjectSummary> {
    const project = this.project(id)
    await this.tracker.ready(project.hostId)
    return this.projectSummary(project)
  }

  create(input: ParsedProject): ProjectSummary {
    this.hosts.record(input.hostId)
    const record: ProjectRecord = {
      id: newId(),
      hostId: input.hostId,
      name: input.name,
      createdAt: this.now().toISOString(),
    }
    if (!this.store.insertProject(record)) {
      throw new AppError('conflict', `This host already has a project named ${input.name}`, 'name')
    }
    this.events.emit('projects.changed', { projectId: record.id })
    return this.projectSummary(record)
  }

  /** Forgets a project whose engine side (containers, network) the caller has already removed. */
  forgetProject(id: string): void {
    for (const service of this.store.services(id)) this.tracker.forget(service.id)
    this.store.deleteProject(id)
    this.events.emit('projects.changed', { projectId: id, removed: true })
  }

  async services(projectId: string): Promise<ServiceSummary[]> {
    const project = this.project(projectId)
    await this.tracker.ready(project.hostId)
    return Promise.all(this.store.services(projectId).map((s) => this.summary(s, project)))
  }

  async getService(id: string): Promise<ServiceSummary> {
    const service = this.service(id)
    const project = this.projectOf(service)
    await this.tracker.ready(project.hostId)
    return this.summary(service, project)
  }

  async summary(service: ServiceRecord, project = this.projectOf(service)): Promise<ServiceSummary> {
    const spec: ServiceSpec = { ...service.spec, env: await this.env.masked(service) }
    return {
      id: service.id,
      projectId: service.projectId,
      hostId: project.hostId,
      spec,
      specHash: service.specHash,
      release: service.release,
      origin: service.origin,
      desiredState: service.desiredState,
      status: serviceStatus(service, this.tracker.get(service.id)),
      createdAt: service.createdAt,
      updatedAt: service.updatedAt,
    }
  }

  async createService(input: ParsedCreateService, role: Role): Promise<ServiceSummary> {
    const { projectId, ...spec } = input
    const [created] = await this.createServices(projectId, [{ input: spec }], role)
    return this.summary(created!)
  }

  /**
   * Creates every service or none: names unique in the project and the batch, `dependsOn` naming services that
   * exist (or come in the same batch), bind mounts only for admins.
   */
  async createServices(projectId: string, batch: NewService[], role: Role): Promise<ServiceRecord[]> {
    const project = this.checkBatch(projectId, batch, role)
    const at = this.now().toISOString()
    const records: ServiceRecord[] = []
    for (const { input, origin = 'created', containerId, running } of batch) {
      const id = newId()
      const { stored, values } = splitSpec(input, envValues())
      const hash = specHash(project, id, resolvedSpec(stored, values))
      records.push({
        id,
        projectId,
        name: input.name,
        spec: stored,
        sealedEnv: await this.env.seal(id, values),
        specHash: hash,
        origin,
        desiredState: running ? 'running' : 'stopped',
        containerId: containerId ?? null,
        // An adopted container runs this very spec: nothing to apply, so nothing drifts yet.
        appliedHash: origin === 'adopted' ? hash : null,
        release: null,
        createdAt: at,
        updatedAt: at,
      })
    }
    try {
      this.store.insertServices(records)
    } catch (err) {
      // Another request took one of the names meanwhile (the UNIQUE constraint is the judge).
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new AppError('conflict', 'Another service with one of these names was created meanwhile', 'name')
      }
      throw err
    }
    this.tracker.observeNew(
      records.filter((r) => r.origin === 'created').map((r) => r.id),
      project.hostId,
    )
    this.events.emit('projects.changed', { projectId })
    return records
  }

  /** Everything a batch must satisfy before anything is stored; answers its project. */
  checkBatch(projectId: string, batch: NewService[], role: Role): ProjectRecord {
    const project = this.project(projectId)
    const names = new Set(this.store.services(projectId).map((s) => s.name))
    const known = new Set([...names, ...batch.map((b) => b.input.name)])
    const seen = new Set<string>()
    for (const { input, origin, fieldPrefix = '' } of batch) {
      if (names.has(input.name) || seen.has(input.name)) {
        throw new AppError('conflict', `The project already has a service named ${input.name}`, `${fieldPrefix}name`)
      }
      seen.add(input.name)
      checkDependencies(input.dependsOn, known, fieldPrefix)
      // An adopted container has its bind mounts already: adopting it grants nothing new.
      if (origin !== 'adopted') checkBinds(input.volumes, role, fieldPrefix)
      checkLocalRepository(input.git, role, fieldPrefix)
    }
    return project
  }

  async updateService(input: ParsedUpdateService, role: Role): Promise<ServiceSummary> {
    const service = this.service(input.id)
    const project = this.projectOf(service)
    const { id: _id, env, ...fields } = input
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
    const storedValues = await this.env.open(service)
    const merged = { ...service.spec, ...defined } as StoredSpec
    const candidate = CreateServiceInput.safeParse({
      ...merged,
      projectId: project.id,
      // Stored bind mounts were confirmed when they were stored.
      volumes: input.volumes ?? service.spec.volumes.map((v) => (v.type === 'bind' ? { ...v, confirmBind: true } : v)),
      env: env ?? service.spec.env.map((e) => ({ key: e.key, secret: e.secret, value: storedValues[e.key] })),
    })
    if (!candidate.success) {
      const issue = candidate.error.issues[0]!
      throw new AppError('validation', issue.message, issue.path.join('.') || undefined)
    }
    const others = new Set(this.store.services(project.id).map((s) => s.name))
    checkDependencies(candidate.data.dependsOn, others, '')
    if (candidate.data.dependsOn.includes(service.name))
      throw new AppError('validation', 'A service cannot depend on itself', 'dependsOn')
    if (input.volumes) checkBinds(input.volumes, role, '')
    if (input.git) checkLocalRepository(input.git, role, '')
    const { projectId: _p, ...parsed } = candidate.data
    const { stored, values } = splitSpec({ ...parsed, name: service.name }, storedValues)
    // A new image is the user's choice of what to run: the image a deployment pinned no longer applies.
    const clearRelease = service.release !== null && stored.image !== service.spec.image
    const release = clearRelease ? null : service.release
    const hash = specHash(project, service.id, releasedSpec(resolvedSpec(stored, values), release))
    const sealed = await this.env.seal(service.id, values)
    if (!this.store.updateSpec(service.id, stored, sealed, hash, this.now().toISOString(), clearRelease))
      throw new AppError('not_found', `No service with id ${service.id}`)
    const updated = this.service(service.id)
    const summary = await this.summary(updated, project)
    this.events.emit('projects.changed', { projectId: project.id, serviceId: service.id, service: summary })
    return summary
  }

  markDesired(service: ServiceRecord, state: 'running' | 'stopped'): void {
    if (service.desiredState === state) return
    this.store.setDesiredState(service.id, state)
    void this.announce(service.id)
  }

  /** Forgets a service whose containers the caller has already removed. */
  forgetService(service: ServiceRecord): void {
    this.store.deleteService(service.id)
    this.tracker.forget(service.id)
    this.events.emit('projects.changed', { projectId: service.projectId, serviceId: service.id, service: null })
  }

  /** Pushes a service's fresh summary (after the tracker saw its container change). */
  async announce(serviceId: string): Promise<void> {
    const service = this.store.service(serviceId)
    if (!service) return
    const summary = await this.summary(service)
    this.events.emit('projects.changed', { projectId: service.projectId, serviceId, service: summary })
  }

  private projectSummary(project: ProjectRecord): ProjectSummary {
    const services = this.store.services(project.id)
    const states: Record<string, number> = {}
    let driftCount = 0
    for (const service of services) {
      const status = serviceStatus(service, this.tracker.get(service.id))
      states[status.state] = (states[status.state] ?? 0) + 1
      if (status.drift.length > 0) driftCount++
    }
    return {
      id: project.id,
      name: project.name,
      hostId: project.hostId,
      network: projectNetworkName(project.name),
      serviceCount: services.length,
      states,
      driftCount,
      createdAt: project.createdAt,
    }
  }
}

function checkDependencies(dependsOn: string[], known: Set<string>, prefix: string): void {
  dependsOn.forEach((name, i) => {
    if (!known.has(name))
      throw new AppError(
        'validation',
        `dependsOn names ${name}, which is not a service of this project`,
        `${prefix}dependsOn.${i}`,
      )
  })
}

/** A bind mount hands a container the host's files (all of them, for `/`): a decision for an admin. */
function checkBinds(volumes: { type: string }[], role: Role, prefix: string): void {
  const index = volumes.findIndex((v) => v.type === 'bind')
  if (index >= 0 && role !== 'admin')
    throw new AppError(
      'forbidden',
      'Only an admin may give a service a bind mount (it exposes host files)',
      `${prefix}volumes.${index}`,
    )
}

/**
 * A repository given as a path is read from the disk of the machine glinrdock runs on (a server, in headless
 * mode) and sent to an engine as a build context: like a bind mount, a decision for an admin.
 */
function checkLocalRepository(git: { url: string } | null | undefined, role: Role, prefix: string): void {
  if (git?.url.startsWith('/') && role !== 'admin')
    throw new AppError(
      'forbidden',
      'Only an admin may build from a repository path on this machine (it reads local files)',
      `${prefix}git.url`,
    )
}

/**
 * Splits a parsed spec into what is stored in the row (env without values) and the env values to seal. An entry
 * without a value keeps the one stored, which only a secret may do: a secret's value never travels back out.
 */
function splitSpec(
  input: Omit<ParsedCreateService, 'projectId'>,
  storedValues: Record<string, string>,
): { stored: StoredSpec; values: Record<string, string> } {
  const values = envValues()
  const env: StoredSpec['env'] = []
  ;(input.env as EnvInput).forEach((entry, i) => {
    let value = entry.value
    if (value === undefined) {
      if (!entry.secret || storedValues[entry.key] === undefined)
        throw new AppError('validation', `A value is required for ${entry.key}`, `env.${i}.value`)
      value = storedValues[entry.key]!
    }
    values[entry.key] = value
    env.push({ key: entry.key, secret: entry.secret })
  })
  const stored: StoredSpec = { ...specWithout(input), env }
  return { stored, values }
}

/** A parsed spec in its stored and shown shape (unset fields null, no confirmations), without its env. */
export function specWithout(input: Omit<ParsedCreateService, 'projectId'>): Omit<StoredSpec, 'env'> {
  return {
    name: input.name,
    image: input.image ?? null,
    git: input.git ?? null,
    command: input.command ?? null,
    entrypoint: input.entrypoint ?? null,
    ports: input.ports,
    volumes: input.volumes.map(({ type, source, target, readOnly }) =>
      source === undefined ? { type, target, readOnly } : { type, source, target, readOnly },
    ),
    restart: input.restart,
    healthcheck: input.healthcheck ?? null,
    resources: input.resources,
    user: input.user ?? null,
    labels: input.labels,
    dependsOn: input.dependsOn,
    autoDeploy: input.autoDeploy,
  }
}
