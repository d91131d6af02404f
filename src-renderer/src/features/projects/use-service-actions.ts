import { useCallback } from 'react'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { useNoticesStore } from '../shell/notices-store'
import { useProjectsStore, type ServiceAction } from './projects-store'

const VERBS: Record<Exclude<ServiceAction, 'remove'>, [string, string]> = {
  start: ['start', 'Started'],
  stop: ['stop', 'Stopped'],
  restart: ['restart', 'Restarted'],
}

/**
 * Start, stop and restart with the outcome as a notice (the row itself changes through `projects.changed`).
 * A start that must pull or recreate runs as a job, which the page shows with its progress.
 */
export function useServiceActions() {
  const run = useProjectsStore((s) => s.runService)
  const notify = useNoticesStore((s) => s.notify)
  return useCallback(
    async (service: ServiceSummary, action: Exclude<ServiceAction, 'remove'>): Promise<void> => {
      try {
        const jobId = await run(service, action)
        if (jobId) notify({ tone: 'neutral', text: `Deploying ${service.spec.name}…` })
        else notify({ tone: 'ok', text: `${VERBS[action][1]} ${service.spec.name}` })
      } catch (err) {
        const error = toApiError(err)
        notify({
          tone: 'bad',
          code: error.code,
          text: `Could not ${VERBS[action][0]} ${service.spec.name}.`,
          detail: error.message,
        })
      }
    },
    [run, notify],
  )
}
