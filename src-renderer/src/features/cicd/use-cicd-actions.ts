import { useCallback } from 'react'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { useNoticesStore } from '../shell/notices-store'
import { navigation } from '../shell/use-route'
import { useCicdStore } from './cicd-store'

/**
 * Build, and build & deploy, from a button: the build page opens at once with its live log, and a failure to
 * even start (no git source, a viewer) is a notice with its code. How the build ends arrives as a notification.
 */
export function useStartBuild() {
  const build = useCicdStore((s) => s.build)
  const notify = useNoticesStore((s) => s.notify)
  return useCallback(
    async (service: ServiceSummary, options: { deploy: boolean; ref?: string; rebuild?: boolean }): Promise<void> => {
      try {
        const { buildId } = await build(service.id, options)
        notify({
          tone: 'neutral',
          text: `${options.deploy ? 'Building and deploying' : 'Building'} ${service.spec.name}${options.ref ? ` at ${options.ref.slice(0, 12)}` : ''}…`,
        })
        navigation.build(service.projectId, service.id, buildId)
      } catch (err) {
        const error = toApiError(err)
        notify({
          tone: 'bad',
          code: error.code,
          text: `Could not build ${service.spec.name}.`,
          detail: error.message,
        })
      }
    },
    [build, notify],
  )
}
