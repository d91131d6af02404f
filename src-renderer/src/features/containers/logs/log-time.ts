import { dockerSince } from '../../../../../src-preload/contract/docker-time'

/** A key that sorts like the instant it names, whatever the fraction's length; '' when unparseable. */
export function timestampKey(timestamp: string): string {
  const since = dockerSince(timestamp)
  return since ? since.padStart(20, '0') : ''
}
