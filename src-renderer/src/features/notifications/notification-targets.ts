import type { NotificationAction, NotificationItem } from '../../../../src-preload/contract/cicd'
import { paths } from '../shell/routes'

/**
 * Where a notification's actions lead, as an address: "Open log" opens the build page (or the deployment's
 * details), "Roll back" opens the rollback confirmation of that service. Nothing runs from a toast by itself:
 * a rollback is always confirmed on the page that shows what it will change.
 */
export function actionTarget(item: NotificationItem, action: NotificationAction): string | null {
  const { projectId, serviceId, buildId, deploymentId } = item
  if (!projectId || !serviceId) return null
  const deployments = paths.service(projectId, serviceId, 'deployments')
  switch (action) {
    case 'open_log':
      if (buildId) return `${paths.build(projectId, serviceId, buildId)}?`
      return deploymentId ? `${deployments}?deployment=${encodeURIComponent(deploymentId)}` : `${deployments}?`
    case 'open_deployment':
      return deploymentId ? `${deployments}?deployment=${encodeURIComponent(deploymentId)}` : `${deployments}?`
    case 'rollback':
      return `${deployments}?rollback=previous`
  }
}

export const ACTION_TEXT: Record<NotificationAction, string> = {
  open_log: 'Open log',
  open_deployment: 'Open deployment',
  rollback: 'Roll back',
}

/** Certificate notifications name a domain, not a service: they lead to the certificates view. */
export const isCertKind = (kind: NotificationItem['kind']): boolean => kind.startsWith('cert.')
export const CERTS_ACTION = { label: 'Open certificates', target: `${paths.certs()}?` } as const

/**
 * Where clicking the notification itself leads: its first action's target, else the service's deployments
 * (the certificates view for a certificate's).
 */
export function itemTarget(item: NotificationItem): string | null {
  if (isCertKind(item.kind)) return CERTS_ACTION.target
  for (const action of item.actions) {
    const target = actionTarget(item, action)
    if (target && action !== 'rollback') return target
  }
  if (!item.projectId || !item.serviceId) return null
  return `${paths.service(item.projectId, item.serviceId, item.buildId ? 'builds' : 'deployments')}?`
}
