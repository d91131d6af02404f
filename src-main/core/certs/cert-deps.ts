import type { Logger } from '../../infra/logging/logger'
import type { SecretBox } from '../../infra/secrets/secret-box'
import type { EventBus } from '../events/event-bus'
import type { Notify } from '../shared/cicd-ports'
import type { ProxyControl, RouteSource } from '../shared/proxy-ports'
import type { CertStore } from './cert-store'

/** What both the service and its `cert.issue` job are given by the composition root. */
export interface CertCoreDeps {
  store: CertStore
  box: SecretBox
  events: EventBus
  proxy: ProxyControl
  routes: RouteSource
  /** Read at each order and check: Settings may change the directory or the contact at any time. */
  acme: () => { directoryUrl: string; email: string | null }
  notify: Notify
  logger: Logger
}

export const dateOf = (s: string | null): Date | null => (s ? new Date(s) : null)
