import { isIP } from 'node:net'
import { DEFAULT_DRAIN_SECONDS } from './core/deploys/traffic-switch'

/**
 * The operator's settings for the proxy and certificates, from the environment (never from a request). A value
 * that is set but wrong stops the start with a sentence saying which: a typo must not silently publish the proxy
 * on every address or renew certificates never.
 */
export interface RoutingEnv {
  /** The proxy container's name on every host (tests give each server its own). */
  proxyName?: string
  /** The address the proxy's ports are published on (all addresses when unset). */
  proxyBind?: string
  /** How long a replaced container keeps its open connections after nginx moved to the new one. */
  drainMs: number
  /** Extra CA certificates (PEM) trusted for the ACME directory only, e.g. a local pebble's. */
  acmeCaFile?: string
  /** How often the certificate scheduler looks for renewals that are due. */
  certCheckMs?: number
}

/** Docker's own grammar for container names. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/

const given = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim()

function wholeNumber(name: string, value: string, min: number, max: number): number {
  if (!/^\d{1,12}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`)
  }
  return Number(value)
}

export function routingEnv(env: NodeJS.ProcessEnv): RoutingEnv {
  const proxyName = given(env.GLINRDOCK_PROXY_NAME)
  if (proxyName !== undefined && (!CONTAINER_NAME.test(proxyName) || proxyName.length > 128)) {
    throw new Error(`GLINRDOCK_PROXY_NAME must be a Docker container name, not ${JSON.stringify(proxyName)}`)
  }
  const proxyBind = given(env.GLINRDOCK_PROXY_BIND)
  if (proxyBind !== undefined && isIP(proxyBind) === 0) {
    throw new Error(`GLINRDOCK_PROXY_BIND must be an IPv4 or IPv6 address, not ${JSON.stringify(proxyBind)}`)
  }
  const drain = given(env.GLINRDOCK_PROXY_DRAIN_SECONDS)
  const check = given(env.GLINRDOCK_CERT_CHECK_MS)
  return {
    proxyName,
    proxyBind,
    drainMs:
      (drain === undefined ? DEFAULT_DRAIN_SECONDS : wholeNumber('GLINRDOCK_PROXY_DRAIN_SECONDS', drain, 0, 600)) *
      1000,
    acmeCaFile: given(env.GLINRDOCK_ACME_CA_FILE),
    certCheckMs: check === undefined ? undefined : wholeNumber('GLINRDOCK_CERT_CHECK_MS', check, 100, 86_400_000),
  }
}
