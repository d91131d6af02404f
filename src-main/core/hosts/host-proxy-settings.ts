import type { z } from 'zod'
import {
  DEFAULT_HTTP_PORT,
  DEFAULT_HTTPS_PORT,
  DEFAULT_PROXY_IMAGE,
  type ProxySettings,
  type ProxySettingsInput,
} from '../../../src-preload/contract/routes'
import { AppError } from '../shared/app-error'
import type { StoredProxySettings } from './host-store'

type ParsedProxySettings = z.output<typeof ProxySettingsInput>

export const NO_PROXY_SETTINGS: StoredProxySettings = { image: null, httpPort: null, httpsPort: null }

/** What the proxy runs with: the host body's values over the defaults (read at use, so a default can move). */
export function effectiveProxySettings(stored: StoredProxySettings): ProxySettings {
  return {
    image: stored.image ?? DEFAULT_PROXY_IMAGE,
    httpPort: stored.httpPort ?? DEFAULT_HTTP_PORT,
    httpsPort: stored.httpsPort ?? DEFAULT_HTTPS_PORT,
  }
}

/**
 * The stored settings after a create or an edit: only the fields given change. The schema checks that the two
 * ports of one body differ; an edit of one port is checked here against the other, stored or default.
 */
export function editedProxySettings(
  stored: StoredProxySettings,
  patch: ParsedProxySettings | undefined,
): StoredProxySettings {
  if (!patch) return stored
  const next: StoredProxySettings = {
    image: patch.image ?? stored.image,
    httpPort: patch.httpPort ?? stored.httpPort,
    httpsPort: patch.httpsPort ?? stored.httpsPort,
  }
  const effective = effectiveProxySettings(next)
  if (effective.httpPort === effective.httpsPort) {
    throw new AppError(
      'validation',
      `The HTTP and HTTPS ports must differ (both would be ${effective.httpPort})`,
      patch.httpsPort !== undefined ? 'proxy.httpsPort' : 'proxy.httpPort',
    )
  }
  return next
}
