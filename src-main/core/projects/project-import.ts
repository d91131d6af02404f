import type Dockerode from 'dockerode'
import type { z } from 'zod'
import type { Role } from '../../../src-preload/contract/roles'
import {
  CreateServiceInput,
  LABELS,
  projectNetworkName,
  type AdoptableGroup,
  type ComposeImportInput,
  type ComposeImportResult,
  type ServiceSpec,
  type ServiceSummary,
} from '../../../src-preload/contract/projects'
import { mapDockerError } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import type { ContainerService } from '../containers'
import { AppError } from '../shared/app-error'
import { forEachLimited } from '../shared/limited'
import { draftFromInspect, suggestServiceName } from './adopt-spec'
import { exportCompose, importCompose } from './compose'
import type { ProjectStore } from './project-store'
import { specWithout, type NewService, type ProjectService } from './project-service'
import type { ServiceReconciler } from './reconciler'
import type { ServiceDraft } from './service-spec'
import type { ServiceStatusTracker } from './status-tracker'

const INSPECT_CONCURRENCY = 16

type ParsedImport = z.output<typeof ComposeImportInput>
type ParsedService = Omit<z.output<typeof CreateServiceInput>, 'projectId'>

/**
 * Services that come from elsewhere: a compose file (mapped, previewed with every warning, created all or none)
 * and containers already running (adopted as they are: same container, never recreated).
 */
export class ProjectImport {
  constructor(
    private readonly projects: ProjectService,
    private readonly store: ProjectStore,
    private readonly containers: ContainerService,
    private readonly reconciler: ServiceReconciler,
    private readonly tracker: ServiceStatusTracker,
    private readonly log: Logger,
  ) {}

  async composeImport(input: ParsedImport, role: Role): Promise<ComposeImportResult> {
    const project = this.projects.project(input.projectId)
    const { drafts, warnings } = importCompose(input.yaml, {
      projectName: project.name,
      confirmBinds: input.confirmBinds,
      envFiles: input.envFiles,
    })
    const batch = drafts.map((draft) => ({
      input: parseDraft(withSecretPlaceholders(draft), `services.${draft.name}.`),
      fieldPrefix: `services.${draft.name}.`,
    }))
    if (input.dryRun) {
      this.projects.checkBatch(project.id, batch, role)
      return { services: batch.map((b) => previewSpec(b.input)), warnings, created: [] }
    }
    const records = await this.projects.createServices(project.id, batch, role)
    return { services: batch.map((b) => previewSpec(b.input)), warnings, created: records.map((r) => r.id) }
  }

  async composeExport(projectId: string): Promise<{ yaml: string }> {
    const project = this.projects.project(projectId)
    const services = await Promise.all(this.store.services(projectId).map((s) => this.projects.summary(s, project)))
    return {
      yaml: exportCompose(
        project.name,
        services.map((s) => s.spec),
      ),
    }
  }

  /**
   * Containers on a host that no service owns, grouped by the compose project that made them, each with what
   * adopting it would not carry over (read from its inspect, as the adoption itself will).
   */
  async adoptable(hostId: string): Promise<AdoptableGroup[]> {
    const owned = new Set(
      this.store
        .servicesOnHost(hostId)
        .map((s) => s.containerId)
        .filter(Boolean),
    )
    const docker = await this.reconciler.docker(hostId)
    const candidates = (await this.containers.list(hostId)).filter((c) => !owned.has(c.id) && !c.labels[LABELS.service])
    const warnings = new Map<string, { path: string; message: string }[]>()
    await forEachLimited(candidates, INSPECT_CONCURRENCY, async (container) => {
      try {
        const info = await this.containers.inspect(hostId, container.id)
        warnings.set(
          container.id,
          draftFromInspect(info, await inspectImage(docker, String(info.Image ?? ''))).warnings,
        )
      } catch {
        // Removed meanwhile: it is simply not offered.
      }
    })
    const groups = new Map<string | null, AdoptableGroup>()
    for (const container of candidates) {
      const found = warnings.get(container.id)
      if (!found) continue
      const group = groups.get(container.composeProject) ?? { composeProject: container.composeProject, containers: [] }
      group.containers.push({
        id: container.id,
        name: container.name,
        image: container.image,
        state: container.state,
        composeService: container.labels['com.docker.compose.service'] ?? null,
        suggestedName: suggestServiceName({ Name: container.name, Config: { Labels: container.labels } }),
        warnings: found,
      })
      groups.set(container.composeProject, group)
    }
    return [...groups.values()].sort((a, b) =>
      (a.composeProject ?? '\uffff').localeCompare(b.composeProject ?? '\uffff'),
    )
  }

  /**
   * Takes over running containers as services without touching them, apart from joining the project network
   * (with the service name as alias), which needs no recreate. Their specs are read from inspect.
   */
  async adopt(projectId: string, containerIds: string[], role: Role): Promise<ServiceSummary[]> {
    const project = this.projects.project(projectId)
    const docker = await this.reconciler.docker(project.hostId)
    const owned = new Map(this.store.servicesOnHost(project.hostId).map((s) => [s.containerId, s.name]))
    const taken = new Set(this.store.services(projectId).map((s) => s.name))
    const batch: NewService[] = []
    for (const [i, requested] of containerIds.entries()) {
      const info = await this.containers.inspect(project.hostId, requested)
      const id = String(info.Id)
      const labels = ((info.Config as { Labels?: Record<string, string> } | undefined)?.Labels ?? {}) as Record<
        string,
        string
      >
      if (owned.has(id) || labels[LABELS.service])
        throw new AppError('conflict', `Container ${id.slice(0, 12)} already belongs to a service`, `containerIds.${i}`)
      const image = await inspectImage(docker, String(info.Image ?? ''))
      const { draft, warnings } = draftFromInspect(info, image, {
        projectName: project.name,
        projectNetwork: projectNetworkName(project.name),
      })
      for (const w of warnings) this.log.info({ container: id.slice(0, 12), path: w.path }, w.message)
      const name = uniqueName(draft.name, taken)
      taken.add(name)
      const prefix = `containerIds.${i}.`
      const input = parseDraft(withSecretPlaceholders({ ...draft, name, dependsOn: [] }), prefix)
      batch.push({
        input,
        origin: 'adopted',
        containerId: id,
        running: (info.State as { Running?: boolean } | undefined)?.Running === true,
        fieldPrefix: prefix,
      })
    }
    const records = await this.projects.createServices(project.id, batch, role)
    await this.reconciler.ensureNetwork(docker, project)
    for (const record of records) {
      await joinNetwork(docker, projectNetworkName(project.name), record.containerId!, record.name)
      await this.tracker.refresh(record, project.hostId)
    }
    return Promise.all(records.map((r) => this.projects.summary(r, project)))
  }
}

/**
 * A secret the file names without a value (`${DB_PASSWORD}`, which the import already warned about) is stored
 * empty, to be set in glinrdock before a deploy.
 */
function withSecretPlaceholders(draft: ServiceDraft): ServiceDraft {
  return {
    ...draft,
    env: (draft.env ?? []).map((entry) => (entry.value === undefined ? { ...entry, value: '' } : entry)),
  }
}

function parseDraft(draft: ServiceDraft, prefix: string): ParsedService {
  // A placeholder project id: the schema checks the spec, the caller decides the project.
  const parsed = CreateServiceInput.safeParse({ ...draft, projectId: '000000000000' })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new AppError('validation', issue.message, `${prefix}${issue.path.join('.')}`)
  }
  const { projectId: _p, ...spec } = parsed.data
  return spec
}

/** What a reader sees of a service that is not stored yet: secrets masked like everywhere else. */
function previewSpec(input: ParsedService): ServiceSpec {
  const env = input.env.map((e) => ({ key: e.key, secret: e.secret, value: e.secret ? null : (e.value ?? '') }))
  return { ...specWithout(input), env }
}

function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name
  for (let n = 2; ; n++) {
    const suffix = `-${n}`
    const candidate = `${name.slice(0, 63 - suffix.length).replace(/[^a-z0-9]+$/, '')}${suffix}`
    if (!taken.has(candidate)) return candidate
  }
}

async function inspectImage(docker: Dockerode, image: string): Promise<Record<string, unknown> | null> {
  if (!image) return null
  try {
    return (await docker.getImage(image).inspect()) as unknown as Record<string, unknown>
  } catch {
    return null
  }
}

async function joinNetwork(docker: Dockerode, network: string, containerId: string, alias: string): Promise<void> {
  try {
    await docker.getNetwork(network).connect({ Container: containerId, EndpointConfig: { Aliases: [alias] } })
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode
    // 403: already on it (the engine's answer for a duplicate endpoint).
    if (status !== 403 && status !== 409) throw mapDockerError(err, `network ${network}`)
  }
}
