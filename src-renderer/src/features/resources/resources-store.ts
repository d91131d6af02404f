import { create } from 'zustand'
import type {
  ImageSummary,
  NetworkSummary,
  PrunePreview,
  PruneResult,
  ResourceKind,
  VolumeSummary,
} from '../../../../src-preload/contract/resources'
import { call, subscribe } from '../../lib/api'
import type { ApiError } from '../../lib/api-error'
import { sharedSubscriptions } from '../../lib/shared-subscriptions'
import { onReconnected } from '../connection/connection-store'

export interface ResourceItems {
  image: ImageSummary
  volume: VolumeSummary
  network: NetworkSummary
}

interface Entry<K extends ResourceKind> {
  list: ResourceItems[K][]
  status: 'loading' | 'ready' | 'error'
  error: ApiError | null
}

const keyOf = (hostId: string, kind: ResourceKind): string => `${hostId}/${kind}`
export const EMPTY_ENTRY: Entry<ResourceKind> = { list: [], status: 'loading', error: null }

interface ResourcesStore {
  entries: Record<string, Entry<ResourceKind>>
  load(hostId: string, kind: ResourceKind): Promise<void>
  /** Keeps the list current through `resources.changed` and after a reconnect. Returns the unsubscribe. */
  watch(hostId: string, kind: ResourceKind): () => void
  remove(hostId: string, kind: ResourceKind, id: string, force?: boolean): Promise<void>
  preview(hostId: string, kind: ResourceKind, all: boolean): Promise<PrunePreview>
  prune(hostId: string, kind: ResourceKind, all: boolean): Promise<PruneResult>
  inspect(hostId: string, kind: ResourceKind, id: string): Promise<Record<string, unknown>>
}

/** The id each kind is addressed by in the contract. */
export const resourceId = (kind: ResourceKind, item: ResourceItems[ResourceKind]): string =>
  kind === 'volume' ? (item as VolumeSummary).name : (item as ImageSummary | NetworkSummary).id

function listOf(hostId: string, kind: ResourceKind): Promise<ResourceItems[ResourceKind][]> {
  if (kind === 'image') return call('images.list', { hostId })
  if (kind === 'volume') return call('volumes.list', { hostId })
  return call('networks.list', { hostId })
}

export const useResourcesStore = create<ResourcesStore>((set, get) => {
  const patch = (key: string, changes: Partial<Entry<ResourceKind>>): void =>
    set({ entries: { ...get().entries, [key]: { ...(get().entries[key] ?? EMPTY_ENTRY), ...changes } } })

  const watchShared = sharedSubscriptions<string>((key) => {
    const [hostId, kind] = key.split('/') as [string, ResourceKind]
    void get().load(hostId, kind)
    const stopEvents = subscribe('resources.changed', (change) => {
      if (change.hostId === hostId && change.kind === kind) void get().load(hostId, kind)
    })
    const stopReconnect = onReconnected(() => void get().load(hostId, kind))
    return () => {
      stopEvents()
      stopReconnect()
    }
  })

  return {
    entries: {},
    async load(hostId, kind) {
      const key = keyOf(hostId, kind)
      // A refresh keeps showing the current rows until the answer arrives.
      if (get().entries[key]?.status !== 'ready') patch(key, { status: 'loading', error: null })
      try {
        patch(key, { list: await listOf(hostId, kind), status: 'ready', error: null })
      } catch (err) {
        patch(key, { status: 'error', error: err as ApiError })
      }
    },
    watch: (hostId, kind) => watchShared(keyOf(hostId, kind)),
    async remove(hostId, kind, id, force = false) {
      if (kind === 'image') await call('images.remove', { hostId, imageId: id, force })
      else if (kind === 'volume') await call('volumes.remove', { hostId, name: id, force })
      else await call('networks.remove', { hostId, networkId: id })
      await get().load(hostId, kind)
    },
    preview(hostId, kind, all) {
      if (kind === 'image') return call('images.prunePreview', { hostId, all })
      if (kind === 'volume') return call('volumes.prunePreview', { hostId, all })
      return call('networks.prunePreview', { hostId })
    },
    async prune(hostId, kind, all) {
      const result =
        kind === 'image'
          ? await call('images.prune', { hostId, all })
          : kind === 'volume'
            ? await call('volumes.prune', { hostId, all })
            : await call('networks.prune', { hostId })
      await get().load(hostId, kind)
      return result
    },
    inspect(hostId, kind, id) {
      if (kind === 'image') return call('images.inspect', { hostId, imageId: id })
      if (kind === 'volume') return call('volumes.inspect', { hostId, name: id })
      return call('networks.inspect', { hostId, networkId: id })
    },
  }
})

export const entryKey = keyOf
