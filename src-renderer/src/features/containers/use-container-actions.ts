import { useCallback } from 'react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { toApiError } from '../../components/ConfirmDialog'
import { useNoticesStore } from '../shell/notices-store'
import { useContainersStore, type LifecycleAction } from './containers-store'

const VERBS: Record<LifecycleAction, [string, string]> = {
  start: ['start', 'Started'],
  stop: ['stop', 'Stopped'],
  restart: ['restart', 'Restarted'],
  kill: ['kill', 'Killed'],
  pause: ['pause', 'Paused'],
  unpause: ['unpause', 'Unpaused'],
  remove: ['remove', 'Removed'],
}
const BULK_CONCURRENCY = 4

/**
 * Lifecycle actions with their outcome reported as a notice (the row itself changes through
 * `containers.changed`). Bulk actions run a few at a time and report one summary.
 */
export function useContainerActions(hostId: string) {
  const run = useContainersStore((s) => s.run)
  const notify = useNoticesStore((s) => s.notify)

  const act = useCallback(
    async (container: ContainerSummary, action: Exclude<LifecycleAction, 'remove'>): Promise<void> => {
      try {
        await run(hostId, container.id, action)
      } catch (err) {
        const error = toApiError(err)
        notify({
          tone: 'bad',
          code: error.code,
          text: `Could not ${VERBS[action][0]} ${container.name}.`,
          detail: error.message,
        })
      }
    },
    [hostId, run, notify],
  )

  const bulk = useCallback(
    async (
      containers: ContainerSummary[],
      action: LifecycleAction,
      options: { force?: boolean } = {},
    ): Promise<void> => {
      const queue = [...containers]
      const failures: { name: string; code: string; message: string }[] = []
      const worker = async (): Promise<void> => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          try {
            await run(hostId, next.id, action, options)
          } catch (err) {
            const error = toApiError(err)
            failures.push({ name: next.name, code: error.code, message: error.message })
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, queue.length) }, worker))
      const done = containers.length - failures.length
      if (failures.length === 0) notify({ tone: 'ok', text: `${VERBS[action][1]} ${plural(done)}` })
      else {
        const first = failures[0]!
        notify({
          tone: 'bad',
          code: first.code,
          text: `${failures.length} of ${plural(containers.length)} could not ${VERBS[action][0]}.`,
          detail: `${first.name}: ${first.message}`,
        })
      }
    },
    [hostId, run, notify],
  )

  return { act, bulk }
}

const plural = (count: number): string => `${count} container${count === 1 ? '' : 's'}`
