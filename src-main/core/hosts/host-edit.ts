import type { z } from 'zod'
import {
  SshHostInput,
  type TestHostInput as TestHostSchema,
  type UpdateHostInput as UpdateHostSchema,
} from '../../../src-preload/contract/hosts'
import type { SecretBox } from '../../infra/secrets/secret-box'
import { AppError } from '../shared/app-error'
import { parseInput } from '../shared/validation'
import type { TestTarget } from './connection-test'
import { hasCredential, requestSshAuth } from './host-credentials'
import type { HostRecord } from './host-store'
import { storedSshAuth } from './open-tunnel'

export type SshPatch = NonNullable<z.output<typeof UpdateHostSchema>['ssh']>
type ParsedTest = z.output<typeof TestHostSchema>
type StoredSsh = NonNullable<HostRecord['ssh']>

export const localGainsSsh = (): AppError =>
  new AppError('validation', 'A local host cannot gain SSH settings: add an SSH host instead', 'ssh')

/** Where an edit points: `moved` when host or port change, `repinned` when another key is confirmed in place. */
export function editedAddress(stored: StoredSsh, patch: SshPatch) {
  const host = patch.host ?? stored.host
  const port = patch.port ?? stored.port
  const moved = host !== stored.host || port !== stored.port
  const repinned = patch.hostKeyFingerprint !== undefined && patch.hostKeyFingerprint !== stored.hostKeyFingerprint
  return { host, port, moved, repinned }
}

export interface TestTargetDeps {
  secrets: SecretBox
  env: NodeJS.ProcessEnv
  defaultLocalSocket: string
}

/**
 * What a connection test connects to: the request alone, or (with `id`) the request over the stored host, the
 * way an update would combine them. The stored pin stands while the address stays; a new address needs a
 * confirmation (or known_hosts), exactly as saving it would.
 */
export function testTargetOf(input: ParsedTest, stored: HostRecord | undefined, deps: TestTargetDeps): TestTarget {
  const { env } = deps
  if (stored && !stored.ssh && input.ssh) throw localGainsSsh()
  if (!input.ssh && !stored?.ssh) {
    return { kind: 'local', socketPath: input.socketPath ?? stored?.socketPath ?? deps.defaultLocalSocket }
  }
  const socketPath = input.socketPath ?? stored?.socketPath ?? '/var/run/docker.sock'
  if (!stored?.ssh) {
    // Without an id the schema has already checked that the SSH part is complete; this adds its defaults.
    const ssh = parseInput(SshHostInput, input.ssh)
    const confirmed = ssh.hostKeyFingerprint === undefined ? undefined : { fingerprint: ssh.hostKeyFingerprint }
    const { host, port, username } = ssh
    return { kind: 'ssh', host, port, username, socketPath, confirmed, auth: () => requestSshAuth(ssh, env) }
  }
  const pinned = stored.ssh
  const patch: SshPatch = input.ssh ?? {}
  const { host, port, moved, repinned } = editedAddress(pinned, patch)
  let confirmed: Extract<TestTarget, { kind: 'ssh' }>['confirmed']
  if (!moved && !repinned) confirmed = { fingerprint: pinned.hostKeyFingerprint, keyType: pinned.hostKeyType }
  else if (patch.hostKeyFingerprint !== undefined) confirmed = { fingerprint: patch.hostKeyFingerprint }
  return {
    kind: 'ssh',
    host,
    port,
    username: patch.username ?? pinned.username,
    socketPath,
    confirmed,
    auth: hasCredential(patch) ? () => requestSshAuth(patch, env) : () => storedSshAuth(stored, deps.secrets, env),
  }
}
