import { create } from 'zustand'
import type {
  AdoptableGroup,
  ComposeImportInput,
  ComposeImportResult,
  CreateProjectInput,
  CreateServiceInput,
  ProjectsChanged,
  ProjectSummary,
  ServiceSummary,
  UpdateServiceInput,
} from '../../../../src-preload/contract/projects'
import { call, subscribe } from '../../lib/api'
import { ApiError } from '../../lib/api-error'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'
import { onReconnected } from '../connection/connection-store'
import { applyServiceChange, upsertServices } from './project-changes'

export type ServiceAction = 'start' | 'stop' | 'restart' | 'remove'
type Status = 'loading' | 'ready' | 'error'

export interface ProjectServices {
  list: ServiceSummary[]
  status: Status
  error: ApiError | null
}

interface ProjectsStore {
  projects: ProjectSummary[]
  status: Status
  error: ApiError | null
  /** Services by project, for the projects someone watches. */
  services: Record<string, ProjectServices>
  /** Lifecycle actions in flight, by service id, so buttons show it and are not pressed twice. */
  busy: Record<string, ServiceAction>
  /** Job ids started from a project's page ("Start all" may name no service), by project id. */
  startedJobs: Record<string, string[]>
  /** Every project (all hosts), kept current through `projects.changed`. Returns the unsubscribe. */
  watch(): () => void
  /** One project's summary and services, kept current the same way. Returns the unsubscribe. */
  watchProject(projectId: string): () => void
  load(): Promise<void>
  loadProject(projectId: string): Promise<void>
  create(input: CreateProjectInput): Promise<ProjectSummary>
  remove(id: string, options: { force: boolean; volumes: boolean }): Promise<void>
  startAll(id: string): Promise<string>
  stopAll(id: string): Promise<void>
  exportCompose(id: string): Promise<string>
  importCompose(input: ComposeImportInput): Promise<ComposeImportResult>
  adoptable(hostId: string): Promise<AdoptableGroup[]>
  adopt(projectId: string, containerIds: string[]): Promise<ServiceSummary[]>
  createService(input: CreateServiceInput): Promise<ServiceSummary>
  updateService(input: UpdateServiceInput): Promise<ServiceSummary>
  /** Start, stop, restart or remove a service; a start that must pull or recreate answers with its job id. */
  runService(service: ServiceSummary, action: ServiceAction, options?: { volumes?: boolean }): Promise<string | null>
}

const EMPTY: ProjectServices = { list: [], status: 'loading', error: null }
export const EMPTY_SERVICES = EMPTY
/** Summaries refetched after a push are batched: a "Start all" sends one push per service. */
const SUMMARY_DELAY_MS = 150

/** Pushes that arrive while a service list request is in flight, applied once it answers. */
const buffered = new Map<string, ProjectsChanged[]>()
const summaryTimers = new Map<string, ReturnType<typeof setTimeout>>()

function upsertProject(list: ProjectSummary[], project: ProjectSummary): ProjectSummary[] {
  const index = list.findIndex((p) => p.id === project.id)
  if (index < 0) return [...list, project].sort((a, b) => a.name.localeCompare(b.name))
  const next = list.slice()
  next[index] = project
  return next
}

export const useProjectsStore = create<ProjectsStore>((set, get) => {
  const patchServices = (projectId: string, next: Partial<ProjectServices>): void => {
    const current = get().services[projectId] ?? EMPTY
    set({ services: { ...get().services, [projectId]: { ...current, ...next } } })
  }
  /** A removed project: a page still showing it says so instead of waiting for it. */
  const forget = (projectId: string): void => {
    const services = { ...get().services }
    if (services[projectId]) {
      services[projectId] = {
        list: [],
        status: 'error',
        error: new ApiError({ code: 'not_found', message: 'The project was removed' }),
      }
    }
    set({ projects: get().projects.filter((p) => p.id !== projectId), services })
  }

  const refreshSummary = (projectId: string): void => {
    clearTimeout(summaryTimers.get(projectId))
    summaryTimers.set(
      projectId,
      setTimeout(() => {
        summaryTimers.delete(projectId)
        call('projects.get', { id: projectId })
          .then((project) => set({ projects: upsertProject(get().projects, project) }))
          .catch((err: ApiError) => err.code === 'not_found' && forget(projectId))
      }, SUMMARY_DELAY_MS),
    )
  }

  let listWatched = false
  const onChange = (change: ProjectsChanged): void => {
    if (change.removed) return forget(change.projectId)
    const known = get().projects.some((p) => p.id === change.projectId)
    const services = get().services[change.projectId]
    // A project created elsewhere appears in the list when someone shows the list.
    if (known || services || listWatched) refreshSummary(change.projectId)
    if (!services) return
    const pending = buffered.get(change.projectId)
    if (pending) return void pending.push(change)
    const next = services.status === 'ready' ? applyServiceChange(services.list, change) : null
    if (next) patchServices(change.projectId, { list: next })
    else void get().loadProject(change.projectId)
  }

  /** One `projects.changed` subscription however many views watch. */
  const watchEvents = sharedSubscriptions((_key: 'events') => subscribe('projects.changed', onChange))

  const watchList = sharedSubscriptions((_key: 'list') => {
    listWatched = true
    const stopEvents = watchEvents('events')
    const stopReconnect = onReconnected(() => void get().load())
    void get().load()
    return () => {
      listWatched = false
      stopEvents()
      stopReconnect()
    }
  })

  const watchOne = sharedSubscriptions((projectId: string) => {
    const stopEvents = watchEvents('events')
    const stopReconnect = onReconnected(() => void get().loadProject(projectId))
    void get().loadProject(projectId)
    return () => {
      stopEvents()
      stopReconnect()
    }
  })

  const setBusy = (id: string, action: ServiceAction | null): void => {
    const { [id]: _done, ...rest } = get().busy
    set({ busy: action ? { ...rest, [id]: action } : rest })
  }

  return {
    projects: [],
    status: 'loading',
    error: null,
    services: {},
    busy: {},
    startedJobs: {},
    watch: () => watchList('list'),
    watchProject: (projectId) => watchOne(projectId),
    async load() {
      if (get().status !== 'ready') set({ status: 'loading', error: null })
      try {
        const projects = await call('projects.list', {})
        set({ projects: projects.sort((a, b) => a.name.localeCompare(b.name)), status: 'ready', error: null })
      } catch (err) {
        set({ status: 'error', error: err as ApiError })
      }
    },
    async loadProject(projectId) {
      const pending: ProjectsChanged[] = []
      buffered.set(projectId, pending)
      if (get().services[projectId]?.status !== 'ready') patchServices(projectId, { status: 'loading', error: null })
      try {
        const [project, services] = await Promise.all([
          call('projects.get', { id: projectId }),
          call('projects.services', { id: projectId }),
        ])
        let list = upsertServices([], services)
        for (const change of pending) list = applyServiceChange(list, change) ?? list
        set({ projects: upsertProject(get().projects, project) })
        patchServices(projectId, { list, status: 'ready', error: null })
      } catch (err) {
        patchServices(projectId, { status: 'error', error: err as ApiError })
      } finally {
        if (buffered.get(projectId) === pending) buffered.delete(projectId)
      }
    },
    async create(input) {
      const project = await call('projects.create', input)
      set({ projects: upsertProject(get().projects, project) })
      return project
    },
    async remove(id, options) {
      await call('projects.remove', { id, ...options })
      forget(id)
    },
    async startAll(id) {
      const { jobId } = await call('projects.start', { id })
      const started = get().startedJobs
      set({ startedJobs: { ...started, [id]: [...(started[id] ?? []), jobId] } })
      return jobId
    },
    async stopAll(id) {
      await call('projects.stop', { id })
    },
    exportCompose: async (id) => (await call('projects.composeExport', { id })).yaml,
    async importCompose(input) {
      const result = await call('projects.composeImport', input)
      if (!input.dryRun) void get().loadProject(input.projectId)
      return result
    },
    adoptable: (hostId) => call('hosts.adoptable', { hostId }),
    async adopt(projectId, containerIds) {
      const services = await call('projects.adopt', { projectId, containerIds })
      const current = get().services[projectId]
      if (current) patchServices(projectId, { list: upsertServices(current.list, services) })
      refreshSummary(projectId)
      return services
    },
    async createService(input) {
      const service = await call('services.create', input)
      const current = get().services[service.projectId]
      if (current) patchServices(service.projectId, { list: upsertServices(current.list, [service]) })
      return service
    },
    async updateService(input) {
      const service = await call('services.update', input)
      const current = get().services[service.projectId]
      if (current) patchServices(service.projectId, { list: upsertServices(current.list, [service]) })
      return service
    },
    async runService(service, action, options = {}) {
      setBusy(service.id, action)
      try {
        if (action === 'start') return (await call('services.start', { id: service.id })).jobId
        if (action === 'remove') {
          await call('services.remove', { id: service.id, volumes: options.volumes ?? false })
          const current = get().services[service.projectId]
          if (current) patchServices(service.projectId, { list: current.list.filter((s) => s.id !== service.id) })
        } else await call(`services.${action}`, { id: service.id })
        return null
      } finally {
        setBusy(service.id, null)
      }
    },
  }
})
