export type ProxyField = 'image' | 'httpPort' | 'httpsPort'

/** The proxy group of the host forms, as typed: blank fields keep what the host has (or the defaults). */
export interface ProxyValues {
  image: string
  httpPort: string
  httpsPort: string
}
export const EMPTY_PROXY_VALUES: ProxyValues = { image: '', httpPort: '', httpsPort: '' }

const portOf = (value: string): number | undefined =>
  value.trim() === '' ? undefined : /^\d+$/.test(value.trim()) ? Number(value) : NaN

/** Only what is filled in; `undefined` when nothing is (the host keeps the defaults). */
export function toProxyInput(
  values: ProxyValues,
): { image?: string; httpPort?: number; httpsPort?: number } | undefined {
  const input: { image?: string; httpPort?: number; httpsPort?: number } = {}
  if (values.image.trim() !== '') input.image = values.image.trim()
  const http = portOf(values.httpPort)
  const https = portOf(values.httpsPort)
  if (http !== undefined) input.httpPort = http
  if (https !== undefined) input.httpsPort = https
  return Object.keys(input).length > 0 ? input : undefined
}

/** zod speaks of numbers "too small"; a port field says its range. */
export const proxyFieldMessage = (field: ProxyField, message: string | undefined): string | undefined =>
  message === undefined || field === 'image' || message.includes('differ') ? message : 'A port from 1 to 65535'
