import { create } from 'zustand'
import type {
  BuildStarted,
  BuildSummary,
  CicdChanged,
  DeploymentDetail,
  DeploymentStarted,
  DeploymentSummary,
  RollbackPreview,
} from '../../../../src-preload/contract/cicd'
import { call, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { keyedDebounce } from '../../lib/keyed-debounce'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'
import { onReconnected } from '../connection/connection-store'

type Status = 'loading' | 'ready' | 'error'

export interface ServiceHistory {
  builds: BuildSummary[]
  deployments: DeploymentSummary[]
  status: Status
  error: ApiError | null
}

export interface BuildState {
  build: BuildSummary | null
  status: Status
  error: ApiError | null
}

export const EMPTY_HISTORY: ServiceHistory = { builds: [], deployments: [], status: 'loading', error: null }
export const EMPTY_BUILD: BuildState = { build: null, status: 'loading', error: null }

interface CicdStore {
  /** Builds and deployments of the services someone watches, newest first. */
  byService: Record<string, ServiceHistory>
  /** Builds someone has open on their page. */
  builds: Record<string, BuildState>
  /** Keeps a service's builds and deployments current through `cicd.changed`. Returns the unsubscribe. */
  watchService(serviceId: string): () => void
  /** Keeps one build current the same way, for its page. Returns the unsubscribe. */
  watchBuild(buildId: string): () => void
  loadService(serviceId: string): Promise<void>
  loadBuild(buildId: string): Promise<void>
  build(serviceId: string, options: { ref?: string; deploy: boolean; rebuild?: boolean }): Promise<BuildStarted>
  deploy(serviceId: string, imageTag: string): Promise<DeploymentStarted>
  rollback(serviceId: string, deploymentId?: string): Promise<DeploymentStarted>
  rollbackPreview(serviceId: string, deploymentId?: string): Promise<RollbackPreview>
  deployment(id: string): Promise<DeploymentDetail>
}

const LIMIT = 50
/** A build sends a push per step; one refetch per burst is enough. */
const REFRESH_DELAY_MS = 150

/**
 * The CI/CD history a view shows. A `cicd.changed` push names the service (and the build or deployment):
 * the lists of that service are refetched, so the view never assembles a row from partial pushes.
 */
export const useCicdStore = create<CicdStore>((set, get) => {
  const patchService = (serviceId: string, next: Partial<ServiceHistory>): void => {
    const current = get().byService[serviceId] ?? EMPTY_HISTORY
    set({ byService: { ...get().byService, [serviceId]: { ...current, ...next } } })
  }
  const patchBuild = (buildId: string, next: Partial<BuildState>): void => {
    const current = get().builds[buildId] ?? EMPTY_BUILD
    set({ builds: { ...get().builds, [buildId]: { ...current, ...next } } })
  }

  const later = keyedDebounce(REFRESH_DELAY_MS)

  const watchedServices = new Set<string>()
  const watchedBuilds = new Set<string>()
  const onChange = (change: CicdChanged): void => {
    if (watchedServices.has(change.serviceId))
      later(`service:${change.serviceId}`, () => void get().loadService(change.serviceId))
    // A push may name only the service (a deployment after a build): every open build of it is checked.
    for (const buildId of watchedBuilds) {
      const open = get().builds[buildId]?.build
      if (change.buildId === buildId || (!change.buildId && open?.serviceId === change.serviceId))
        later(`build:${buildId}`, () => void get().loadBuild(buildId))
    }
  }
  const watchEvents = sharedSubscriptions((_key: 'events') => subscribe('cicd.changed', onChange))

  const watchOneService = sharedSubscriptions((serviceId: string) => {
    watchedServices.add(serviceId)
    const stopEvents = watchEvents('events')
    const stopReconnect = onReconnected(() => void get().loadService(serviceId))
    void get().loadService(serviceId)
    return () => {
      watchedServices.delete(serviceId)
      stopEvents()
      stopReconnect()
    }
  })
  const watchOneBuild = sharedSubscriptions((buildId: string) => {
    watchedBuilds.add(buildId)
    const stopEvents = watchEvents('events')
    const stopReconnect = onReconnected(() => void get().loadBuild(buildId))
    void get().loadBuild(buildId)
    return () => {
      watchedBuilds.delete(buildId)
      stopEvents()
      stopReconnect()
    }
  })

  return {
    byService: {},
    builds: {},
    watchService: (serviceId) => watchOneService(serviceId),
    watchBuild: (buildId) => watchOneBuild(buildId),
    async loadService(serviceId) {
      if (get().byService[serviceId]?.status !== 'ready') patchService(serviceId, { status: 'loading', error: null })
      try {
        const [builds, deployments] = await Promise.all([
          call('cicd.builds', { serviceId, limit: LIMIT }),
          call('cicd.deployments', { serviceId, limit: LIMIT }),
        ])
        patchService(serviceId, { builds, deployments, status: 'ready', error: null })
      } catch (err) {
        patchService(serviceId, { status: 'error', error: err as ApiError })
      }
    },
    async loadBuild(buildId) {
      if (get().builds[buildId]?.status !== 'ready') patchBuild(buildId, { status: 'loading', error: null })
      try {
        patchBuild(buildId, { build: await call('cicd.buildGet', { id: buildId }), status: 'ready', error: null })
      } catch (err) {
        patchBuild(buildId, { status: 'error', error: err as ApiError })
      }
    },
    async build(serviceId, { ref, deploy, rebuild }) {
      const started = await call('cicd.build', {
        serviceId,
        deploy,
        ...(ref ? { ref } : {}),
        ...(rebuild ? { rebuild } : {}),
      })
      void get().loadService(serviceId)
      return started
    },
    async deploy(serviceId, imageTag) {
      const started = await call('cicd.deploy', { serviceId, imageTag })
      void get().loadService(serviceId)
      return started
    },
    async rollback(serviceId, deploymentId) {
      const started = await call('cicd.rollback', { serviceId, ...(deploymentId ? { deploymentId } : {}) })
      void get().loadService(serviceId)
      return started
    },
    rollbackPreview: (serviceId, deploymentId) =>
      call('cicd.rollbackPreview', { serviceId, ...(deploymentId ? { deploymentId } : {}) }),
    deployment: (id) => call('cicd.deploymentGet', { id }),
  }
})
