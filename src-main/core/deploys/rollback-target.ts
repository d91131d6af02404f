import { AppError } from '../shared/app-error'
import type { DeploymentRecord } from './deployment-store'

/**
 * Which deployment a rollback brings back. Asked for by id: one of this service's successful deployments with an
 * image and a snapshot, and not the one it runs now. By default: the successful deployment before the current one
 * (newest first), so rolling back twice goes back and forth like `heroku rollback`; with no current one (the user
 * set another image since), the newest successful one.
 */
export function rollbackTarget(
  service: { id: string; name: string; currentDeploymentId: string | null },
  /** The service's successful deployments, newest first. */
  succeeded: DeploymentRecord[],
  requested: DeploymentRecord | undefined,
  requestedId: string | undefined,
): DeploymentRecord {
  const usable = succeeded.filter((d) => d.imageId !== null && d.spec !== null)
  if (requestedId !== undefined) {
    if (!requested) throw new AppError('not_found', `No deployment with id ${requestedId}`, 'deploymentId')
    if (requested.serviceId !== service.id)
      throw new AppError('validation', `Deployment ${requestedId} is not one of ${service.name}'s`, 'deploymentId')
    if (!usable.some((d) => d.id === requested.id))
      throw new AppError(
        'conflict',
        `Deployment ${requestedId} did not succeed (${requested.status}): only a successful deployment can be rolled back to`,
        'deploymentId',
      )
    if (requested.id === service.currentDeploymentId)
      throw new AppError('conflict', `${service.name} already runs deployment ${requestedId}`, 'deploymentId')
    return requested
  }
  const index = usable.findIndex((d) => d.id === service.currentDeploymentId)
  const target = index >= 0 ? usable[index + 1] : usable[0]
  if (!target) throw new AppError('conflict', `${service.name} has no earlier successful deployment to roll back to`)
  return target
}
