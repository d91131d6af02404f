import { describe, expect, it } from 'vitest'
import type { NotificationItem } from '../../../../src-preload/contract/cicd'
import { actionTarget, itemTarget } from './notification-targets'

const item = (changes: Partial<NotificationItem>): NotificationItem => ({
  id: 'n1aaaaaaaaaa',
  kind: 'deploy.succeeded',
  level: 'success',
  title: 'Deployment of shop/web succeeded',
  body: 'web runs glinrdock/shop-web:abc1234',
  serviceId: 's1aaaaaaaaaa',
  projectId: 'p1aaaaaaaaaa',
  buildId: null,
  deploymentId: 'd1aaaaaaaaaa',
  actions: ['open_deployment', 'rollback'],
  read: false,
  createdAt: '2026-12-02T10:00:00.000Z',
  ...changes,
})

describe('notification targets', () => {
  it('opens the build page for a build, the deployment row for a deployment', () => {
    const built = item({ kind: 'build.succeeded', buildId: 'b1aaaaaaaaaa', deploymentId: null, actions: ['open_log'] })
    expect(actionTarget(built, 'open_log')).toBe('/projects/p1aaaaaaaaaa/services/s1aaaaaaaaaa/builds/b1aaaaaaaaaa?')
    expect(actionTarget(item({}), 'open_deployment')).toBe(
      '/projects/p1aaaaaaaaaa/services/s1aaaaaaaaaa/deployments?deployment=d1aaaaaaaaaa',
    )
  })

  it('never rolls back from a notification: "Roll back" opens the confirmation on the deployments page', () => {
    expect(actionTarget(item({}), 'rollback')).toBe(
      '/projects/p1aaaaaaaaaa/services/s1aaaaaaaaaa/deployments?rollback=previous',
    )
    // Clicking the notification itself opens what it is about, not the rollback.
    expect(itemTarget(item({ actions: ['rollback', 'open_deployment'] }))).toContain('?deployment=d1aaaaaaaaaa')
  })

  it('has nowhere to go without a service', () => {
    const orphan = item({ serviceId: null, projectId: null })
    expect(actionTarget(orphan, 'open_deployment')).toBeNull()
    expect(itemTarget(orphan)).toBeNull()
  })

  it('opens the certificates view for a certificate notification, which names a domain and no service', () => {
    const cert = item({ kind: 'cert.failed', serviceId: null, projectId: null, deploymentId: null, actions: [] })
    expect(itemTarget(cert)).toBe('/certs?')
  })
})
