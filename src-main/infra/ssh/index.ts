export { DEFAULT_BACKOFF, type BackoffOptions } from '../../core/shared/backoff'
export { readDockerContexts, type DockerContext } from './docker-contexts'
export { fingerprintOfKeyBlob, isSha256Fingerprint, keyTypeOfBlob } from './fingerprint'
export {
  knownHostKeys,
  knownHostsName,
  lookupKnownHosts,
  type KnownHostKey,
  type KnownHostsLookup,
} from './known-hosts'
export { probeHostKey, type ProbedHostKey, type ProbeOptions } from './probe-host-key'
export { KeyFileError, MAX_KEY_FILE_BYTES, readKeyFile } from './read-key-file'
export { networkFailure, parsePrivateKey } from './ssh-connect'
export { parseSshConfig, type SshConfigHost, type SshConfigOptions } from './ssh-config'
export {
  SshTunnel,
  type SshAuth,
  type SshTarget,
  type SshTunnelOptions,
  type TunnelFailure,
  type TunnelState,
  type TunnelStateEvent,
} from './ssh-tunnel'
export type { TunnelAgent } from './tunnel-agent'
