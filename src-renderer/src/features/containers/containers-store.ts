import { create } from 'zustand'
import type { ContainersChanged, ContainerSummary } from '../../../../src-preload/contract/containers'
import { call, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'
import { onReconnected } from '../connection/connection-store'
import { applyContainersChanged } from './container-changes'

export type LifecycleAction = 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'unpause' | 'remove'

export interface HostContainers {
  list: ContainerSummary[]
  status: 'loading' | 'ready' | 'error'
  error: ApiError | null
}

interface ContainersStore {
  byHost: Record<string, HostContainers>
  /** Actions in flight, by `hostId/containerId`, so buttons can show it and not be pressed twice. */
  busy: Record<string, LifecycleAction>
  /**
   * Lists a host's containers and keeps the list current with `containers.changed` only (no polling):
   * upsert by id, drop removed ids, replace on reset. Returns the unsubscribe.
   */
  watch(hostId: string): () => void
  load(hostId: string): Promise<void>
  run(hostId: string, containerId: string, action: LifecycleAction, options?: { force?: boolean }): Promise<void>
  inspect(hostId: string, containerId: string): Promise<Record<string, unknown>>
}

export const EMPTY_HOST: HostContainers = { list: [], status: 'loading', error: null }
export const busyKey = (hostId: string, containerId: string): string => `${hostId}/${containerId}`

/** Pushes that arrive while a list request is in flight, applied once it answers (they may be newer). */
const buffered = new Map<string, ContainersChanged[]>()

export const useContainersStore = create<ContainersStore>((set, get) => {
  const patch = (hostId: string, next: Partial<HostContainers>): void => {
    const current = get().byHost[hostId] ?? EMPTY_HOST
    set({ byHost: { ...get().byHost, [hostId]: { ...current, ...next } } })
  }

  const onChange = (change: ContainersChanged): void => {
    const current = get().byHost[change.hostId]
    if (!current) return
    const pending = buffered.get(change.hostId)
    if (pending) {
      pending.push(change)
      return
    }
    // After a failed list only a full reset can be trusted; the host coming back sends one.
    if (current.status === 'error' && !change.reset) return
    patch(change.hostId, { list: applyContainersChanged(current.list, change), status: 'ready', error: null })
  }

  const watchHost = sharedSubscriptions((hostId: string) => {
    const stopEvents = subscribe('containers.changed', (change) => {
      if (change.hostId === hostId) onChange(change)
    })
    const stopReconnect = onReconnected(() => void get().load(hostId))
    // A list that failed while the host was down is fetched again when the host comes back.
    const stopHost = subscribe('hosts.changed', (change) => {
      if (change.hostId === hostId && change.host?.state === 'connected' && get().byHost[hostId]?.status === 'error') {
        void get().load(hostId)
      }
    })
    void get().load(hostId)
    return () => {
      stopEvents()
      stopReconnect()
      stopHost()
    }
  })

  return {
    byHost: {},
    busy: {},
    watch(hostId) {
      return watchHost(hostId)
    },
    async load(hostId) {
      const pending: ContainersChanged[] = []
      buffered.set(hostId, pending)
      // A refresh (after a reconnect, a retry) keeps showing the current rows until the answer arrives.
      if (get().byHost[hostId]?.status !== 'ready') patch(hostId, { status: 'loading', error: null })
      try {
        let list = await call('containers.list', { hostId })
        for (const change of pending) list = applyContainersChanged(list, change)
        patch(hostId, { list, status: 'ready', error: null })
      } catch (err) {
        patch(hostId, { status: 'error', error: err as ApiError })
      } finally {
        if (buffered.get(hostId) === pending) buffered.delete(hostId)
      }
    },
    async run(hostId, containerId, action, options = {}) {
      const key = busyKey(hostId, containerId)
      set({ busy: { ...get().busy, [key]: action } })
      try {
        const target = { hostId, containerId }
        if (action === 'remove') await call('containers.remove', { ...target, force: options.force ?? false })
        else await call(`containers.${action}`, target)
      } finally {
        const { [key]: _done, ...rest } = get().busy
        set({ busy: rest })
      }
    },
    inspect: (hostId, containerId) => call('containers.inspect', { hostId, containerId }),
  }
})
