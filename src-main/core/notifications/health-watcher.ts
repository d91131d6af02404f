import type { ProjectsChanged } from '../../../src-preload/contract/projects'
import type { EventBus } from '../events/event-bus'
import type { Notify } from '../shared/cicd-ports'

/** A service that turned unhealthy is reported again only after this long (a flapping container would spam). */
export const HEALTH_COOLDOWN_MS = 10 * 60_000

/**
 * Turns a service's status going unhealthy into a `health.unhealthy` notification. It listens to
 * `projects.changed` (which carries the service's fresh summary whenever the tracker sees its container change),
 * so it needs no hook in the projects domain: a transition into `unhealthy` notifies, at most once per service
 * per cooldown; staying unhealthy, or recovering, does not.
 */
export class HealthWatcher {
  private readonly states = new Map<string, string>()
  private readonly lastNotified = new Map<string, number>()
  private readonly stop: () => void

  constructor(
    events: EventBus,
    private readonly notify: Notify,
    private readonly now: () => number = Date.now,
  ) {
    this.stop = events.on('projects.changed', (change) => this.observe(change))
  }

  observe(change: ProjectsChanged): void {
    if (change.serviceId === undefined || change.service === undefined) return
    if (change.service === null) {
      this.states.delete(change.serviceId)
      this.lastNotified.delete(change.serviceId)
      return
    }
    const service = change.service
    const state = service.status.state
    const before = this.states.get(service.id)
    this.states.set(service.id, state)
    if (state !== 'unhealthy' || before === 'unhealthy') return
    const last = this.lastNotified.get(service.id)
    const at = this.now()
    if (last !== undefined && at - last < HEALTH_COOLDOWN_MS) return
    this.lastNotified.set(service.id, at)
    this.notify({
      kind: 'health.unhealthy',
      title: `${service.spec.name} is unhealthy`,
      body: `Its health check fails${service.status.containerName ? ` in ${service.status.containerName}` : ''}.`,
      serviceId: service.id,
      projectId: service.projectId,
      deploymentId: service.release?.deploymentId ?? null,
    })
  }

  dispose(): void {
    this.stop()
  }
}
