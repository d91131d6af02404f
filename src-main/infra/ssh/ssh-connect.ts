import {
  utils,
  type AgentAuthMethod,
  type Client,
  type ConnectConfig,
  type ParsedKey,
  type PasswordAuthMethod,
  type PublicKeyAuthMethod,
} from 'ssh2'
import type { Logger } from '../logging/logger'
import { fingerprintOfKeyBlob, hostKeyAlgorithmsFor, keyTypeOfBlob } from './fingerprint'
import type { SshAuth, SshTunnelOptions, TunnelFailure } from './tunnel-types'

/** What the host verifier saw when it refused a key; undefined while no key was refused. */
export interface HostKeyVerdict {
  rejectedKey?: string
}

/**
 * ssh2 settings for one connection attempt; `verdict` records a refused host key for {@link classifyError}.
 * `parsedKey` is the decrypted private key for key auth (see {@link parsePrivateKey}).
 */
export function connectConfig(opts: SshTunnelOptions, verdict: HostKeyVerdict, parsedKey?: ParsedKey): ConnectConfig {
  const { target, pinnedFingerprint, pinnedKeyType } = opts
  return {
    host: target.host,
    port: target.port,
    username: target.username,
    readyTimeout: opts.readyTimeoutMs ?? 15_000,
    keepaliveInterval: opts.keepaliveIntervalMs ?? 10_000,
    keepaliveCountMax: opts.keepaliveCountMax ?? 3,
    // The remote host must never be able to use the user's agent.
    agentForward: false,
    tryKeyboard: false,
    // Runs during key exchange, so a wrong key aborts the connection before any credential is offered.
    hostVerifier: (blob: Buffer) => {
      const fingerprint = fingerprintOfKeyBlob(blob)
      const keyType = safeKeyType(blob)
      if (fingerprint === pinnedFingerprint && (pinnedKeyType === undefined || keyType === pinnedKeyType)) return true
      verdict.rejectedKey = `${keyType} ${fingerprint}`
      return false
    },
    ...(pinnedKeyType === undefined ? {} : { algorithms: { serverHostKey: hostKeyAlgorithmsFor(pinnedKeyType) } }),
    ...authConfig(target.auth, target.username, parsedKey),
  }
}

function authConfig(auth: SshAuth, username: string, parsedKey: ParsedKey | undefined): Partial<ConnectConfig> {
  // Exactly one method, given as an object: no `none` probe, no fallback to a method the user did not choose, and
  // (unlike the `privateKey` option, which only takes text) an already decrypted key is accepted.
  let method: PublicKeyAuthMethod | PasswordAuthMethod | AgentAuthMethod
  switch (auth.kind) {
    case 'key':
      method = { type: 'publickey', username, key: parsedKey ?? auth.privateKey }
      break
    case 'password':
      method = { type: 'password', username, password: auth.password }
      break
    case 'agent':
      method = { type: 'agent', username, agent: auth.agentSocket }
      break
  }
  return { authHandler: [method] }
}

/**
 * The errors that retrying cannot fix. Everything else (refused, reset, timed out, keepalive lost) is a network
 * problem, described by {@link networkFailure} and retried.
 */
export function classifyError(
  err: Error & { level?: string },
  verdict: HostKeyVerdict,
  opts: SshTunnelOptions,
  label: string,
): TunnelFailure | undefined {
  if (verdict.rejectedKey !== undefined) {
    return {
      code: 'host_key_mismatch',
      message:
        `The server's key ${verdict.rejectedKey} is not the pinned ${opts.pinnedFingerprint} (${label}): ` +
        'the server was reinstalled, or something is in between',
    }
  }
  if (opts.pinnedKeyType !== undefined && /no matching host key format/.test(err.message)) {
    return {
      code: 'host_key_mismatch',
      message: `The server has no ${opts.pinnedKeyType} host key, the pinned type (${label})`,
    }
  }
  if (err.level === 'client-authentication') {
    return {
      code: 'ssh_auth_failed',
      message: `The server refused the credentials for user ${opts.target.username} (${label})`,
    }
  }
  if (err.level === 'agent') return { code: 'ssh_auth_failed', message: `ssh-agent could not be used: ${err.message}` }
  return undefined
}

type NetworkError = Error & { code?: unknown; level?: string }

/**
 * A network failure on the way to the SSH server, as one sentence: the SSH port (not the Docker engine behind it)
 * is the problem, so the code is always `host_unreachable`. `timeoutMs` is the limit that a timeout ran into.
 */
export function networkFailure(err: NetworkError, host: string, port: number, timeoutMs?: number): TunnelFailure {
  const within = timeoutMs === undefined ? '' : ` within ${Math.round(timeoutMs / 1000)} s`
  const code = typeof err.code === 'string' ? err.code : ''
  let message: string
  if (code === 'ECONNREFUSED') message = `The SSH port ${port} on ${host} is closed (connection refused)`
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || err.level === 'client-dns') {
    message = `The host name ${host} could not be resolved`
  } else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') message = `There is no network route to ${host}`
  else if (code === 'ECONNRESET') message = `The connection to ${host}:${port} was reset`
  else if (/keepalive/i.test(err.message)) message = `The SSH link to ${host}:${port} stopped answering (keepalive)`
  else if (code === 'ETIMEDOUT' || err.level === 'client-timeout' || /timed? ?out/i.test(err.message)) {
    message = `${host}:${port} did not answer${within} (the host is down, or a firewall drops the connection)`
  } else message = `The SSH connection to ${host}:${port} failed: ${err.message}`
  return { code: 'host_unreachable', message }
}

/**
 * Decrypts the private key once per tunnel: an encrypted OpenSSH key costs ~300 ms of bcrypt, which would
 * otherwise be paid again on every reconnect. A wrong passphrase is an authentication failure, found without
 * touching the network.
 */
export function parsePrivateKey(privateKey: string, passphrase: string | undefined): ParsedKey | TunnelFailure {
  const parsed = utils.parseKey(privateKey, passphrase)
  if (parsed instanceof Error) {
    return { code: 'ssh_auth_failed', message: `The private key could not be used: ${parsed.message}` }
  }
  if (parsed.getPrivatePEM() === null) {
    return { code: 'ssh_auth_failed', message: 'The private key file holds only a public key' }
  }
  return parsed
}

/**
 * sshd sets TCP_NODELAY on its socket only when a session runs a command; with forwards alone 15–19 % of Docker
 * calls stalled ~44 ms. The option stays on the socket after the command ends, so one harmless exec per
 * connection is enough. A refusal (restricted account) only costs latency, never the connection.
 */
export function openNodelaySession(client: Client, timeoutMs: number, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs)
    try {
      client.exec('true', (err, stream) => {
        clearTimeout(timer)
        if (err) log.warn({ err: err.message }, 'could not start a session; Docker calls may be slower')
        // EOF on stdin too, so even a forced command that reads input ends and the channel closes.
        else stream.end().resume().stderr.resume()
        resolve()
      })
    } catch {
      clearTimeout(timer)
      resolve()
    }
  })
}

function safeKeyType(blob: Buffer): string {
  try {
    return keyTypeOfBlob(blob)
  } catch {
    return 'unknown'
  }
}
