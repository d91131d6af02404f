import type { HostSummary } from '../../../../src-preload/contract/hosts'

/** `local` or `ssh user@host:port`, as the dashboard and the header show a host's kind. */
export function hostAddress(host: HostSummary): string {
  if (host.kind === 'local' || !host.ssh) return 'local'
  const address = host.ssh.host.includes(':') ? `[${host.ssh.host}]` : host.ssh.host
  return `ssh ${host.ssh.username}@${address}:${host.ssh.port}`
}
