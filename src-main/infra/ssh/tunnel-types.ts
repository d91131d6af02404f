import type { ErrorCode } from '../../../src-preload/contract/errors'
import type { Logger } from '../logging/logger'
import type { BackoffOptions } from '../../core/shared/backoff'

export type SshAuth =
  | { kind: 'key'; privateKey: string; passphrase?: string }
  | { kind: 'password'; password: string }
  | { kind: 'agent'; agentSocket: string }

export interface SshTarget {
  host: string
  port: number
  username: string
  auth: SshAuth
}

export type TunnelState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'disposed'

export interface TunnelFailure {
  code: ErrorCode
  message: string
}

export interface TunnelStateEvent {
  state: TunnelState
  /** `failed`: why, for good. `reconnecting`: why the link went (always `host_unreachable`). */
  failure?: TunnelFailure
  attempt?: number
  nextRetryMs?: number
}

export interface SshTunnelOptions {
  target: SshTarget
  /** `SHA256:…` as `ssh-keygen -lf` prints it; the only host key this tunnel will ever talk to. */
  pinnedFingerprint: string
  /** When given, only this key type is negotiated (a host with several keys could otherwise present another). */
  pinnedKeyType?: string
  remoteSocketPath: string
  logger: Logger
  keepaliveIntervalMs?: number
  keepaliveCountMax?: number
  readyTimeoutMs?: number
  backoff?: Partial<BackoffOptions>
  /** How long a request waits for a tunnel that is (re)connecting before failing with `host_unreachable`. */
  connectWaitMs?: number
}
