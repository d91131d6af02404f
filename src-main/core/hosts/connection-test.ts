import { createConnection } from 'node:net'
import type { TestHostResult, TestStep, TestStepName } from '../../../src-preload/contract/hosts'
import { createDockerClient, type DockerEndpoint } from '../../infra/docker'
import type { Logger } from '../../infra/logging/logger'
import {
  networkFailure,
  probeHostKey,
  SshTunnel,
  type ProbedHostKey,
  type SshAuth,
  type TunnelFailure,
} from '../../infra/ssh'
import { isAppError } from '../shared/app-error'
import { engineFailure, engineInfoOf, type EngineFailure } from './engine-info'
import { hostKeyRefusal, type KnownHostsVerdict } from './host-key-check'
import { UnixSocketAgent } from './local-socket'

export type TestTarget =
  | { kind: 'local'; socketPath: string }
  | {
      kind: 'ssh'
      host: string
      port: number
      username: string
      socketPath: string
      /** What the presented key must be: the user's confirmation, or a stored pin (with its type). */
      confirmed?: { fingerprint: string; keyType?: string }
      /** Resolved only after the host key passed, so no credential is ever offered to an unconfirmed server. */
      auth: () => Promise<SshAuth>
    }

export interface ConnectionTestDeps {
  knownHosts(host: string, port: number, fingerprint: string): KnownHostsVerdict
  logger: Logger
  /** Each step's limit. */
  stepTimeoutMs?: number
}

const ORDER: TestStepName[] = ['tcp', 'hostKey', 'auth', 'engine']

/** The steps of one test: the first failure ends it and every later step is reported as skipped. */
class StepLog {
  readonly steps: TestStep[] = []
  result: Omit<TestHostResult, 'ok' | 'steps'> = { engine: null, hostKeyFingerprint: null, keyType: null }

  ok(step: TestStepName, message: string): void {
    this.steps.push({ step, status: 'ok', message })
  }

  skip(step: TestStepName, message: string): void {
    this.steps.push({ step, status: 'skipped', message })
  }

  fail(step: TestStepName, failure: EngineFailure | TunnelFailure): TestHostResult {
    this.steps.push({ step, status: 'failed', message: failure.message, code: failure.code })
    for (const later of ORDER.slice(ORDER.indexOf(step) + 1)) this.skip(later, 'Not tried: an earlier step failed')
    return this.done()
  }

  done(): TestHostResult {
    return { ok: this.steps.every((s) => s.status !== 'failed'), steps: this.steps, ...this.result }
  }
}

/**
 * "Test connection": every step a stored host's link goes through (TCP, host key, authentication, the engine's
 * `GET /version`), each bounded, stopping at the first failure. It stores nothing and leaves nothing open.
 */
export async function testConnection(target: TestTarget, deps: ConnectionTestDeps): Promise<TestHostResult> {
  const timeoutMs = deps.stepTimeoutMs ?? 10_000
  const log = new StepLog()
  if (target.kind === 'local') {
    for (const step of ['tcp', 'hostKey', 'auth'] as const) log.skip(step, 'Not used for a local socket')
    const agent = new UnixSocketAgent(target.socketPath)
    try {
      return await engineStep(log, { agent }, target, timeoutMs)
    } finally {
      agent.destroy()
    }
  }

  const { host, port } = target
  try {
    await tcpConnect(host, port, timeoutMs)
    log.ok('tcp', `${host}:${port} accepts connections`)
  } catch (err) {
    return log.fail('tcp', networkFailure(err as Error, host, port, timeoutMs))
  }

  let probed: ProbedHostKey
  try {
    probed = await probeHostKey({ host, port, timeoutMs, keyType: target.confirmed?.keyType })
  } catch (err) {
    const message = (err as Error).message
    if (target.confirmed?.keyType && /no matching host key/i.test(message)) {
      return log.fail('hostKey', {
        code: 'host_key_mismatch',
        message: `The server has no ${target.confirmed.keyType} key, the type you confirmed`,
      })
    }
    return log.fail('hostKey', { code: isAppError(err) ? err.code : 'host_unreachable', message })
  }
  log.result = { ...log.result, hostKeyFingerprint: probed.fingerprint, keyType: probed.keyType }
  const verdict = deps.knownHosts(host, port, probed.fingerprint)
  const refusal = hostKeyRefusal(host, probed, target.confirmed?.fingerprint, verdict)
  if (refusal) return log.fail('hostKey', refusal)
  log.ok(
    'hostKey',
    target.confirmed
      ? `The server's key ${probed.fingerprint} is the one you confirmed`
      : `The server's key ${probed.fingerprint} is the one known_hosts lists`,
  )

  let tunnel: SshTunnel | undefined
  try {
    try {
      tunnel = new SshTunnel({
        target: { host, port, username: target.username, auth: await target.auth() },
        // Exactly the key just checked: a different server answering this second connection is refused.
        pinnedFingerprint: probed.fingerprint,
        pinnedKeyType: probed.keyType,
        remoteSocketPath: target.socketPath,
        logger: deps.logger,
        readyTimeoutMs: timeoutMs,
        connectWaitMs: timeoutMs,
      })
    } catch (err) {
      if (isAppError(err)) return log.fail('auth', { code: err.code, message: err.message })
      throw err
    }
    const refused = await firstOutcome(tunnel, timeoutMs)
    if (refused) return log.fail('auth', refused)
    log.ok('auth', `Signed in as ${target.username}`)
    return await engineStep(log, { agent: tunnel.createAgent() }, target, timeoutMs)
  } finally {
    tunnel?.dispose()
  }
}

async function engineStep(
  log: StepLog,
  endpoint: DockerEndpoint,
  target: TestTarget,
  timeoutMs: number,
): Promise<TestHostResult> {
  // One limit for the whole step: the version handshake and the info call share it.
  try {
    // /info alongside the version handshake, as a host's own connection reads it: one round trip fewer.
    const client = await createDockerClient(endpoint, { timeoutMs, withInfo: true })
    const engine = engineInfoOf(client.info ?? {}, client.version)
    log.result = { ...log.result, engine }
    log.ok('engine', `Docker ${engine.version} answers (API ${engine.apiVersion}, ${engine.os})`)
    return log.done()
  } catch (err) {
    return log.fail('engine', engineFailure(err, target))
  }
}

/** A bare TCP connect, closed at once: tells a closed or filtered port apart from an SSH problem. */
function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port })
    const finish = (err?: Error): void => {
      clearTimeout(timer)
      socket.destroy()
      if (err) reject(err)
      else resolve()
    }
    const timer = setTimeout(() => finish(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs)
    socket.once('connect', () => finish())
    socket.once('error', finish)
  })
}

/** Starts the tunnel and answers its first verdict: null once it is connected, else why it is not. */
function firstOutcome(tunnel: SshTunnel, timeoutMs: number): Promise<TunnelFailure | null> {
  return new Promise((resolve) => {
    const done = (failure: TunnelFailure | null): void => {
      clearTimeout(timer)
      tunnel.off('state', onState)
      resolve(failure)
    }
    const onState = (event: { state: string; failure?: TunnelFailure }): void => {
      if (event.state === 'connected') done(null)
      // A test does not retry: the first network failure is the answer.
      else if (event.state === 'failed' || event.state === 'reconnecting') {
        done(event.failure ?? { code: 'host_unreachable', message: 'The SSH connection closed' })
      }
    }
    // ssh2's ready timeout covers the handshake and authentication; this one also bounds what follows them.
    const timer = setTimeout(
      () => done({ code: 'host_unreachable', message: `No SSH session within ${timeoutMs / 1000} s` }),
      timeoutMs,
    )
    tunnel.on('state', onState)
    tunnel.start()
  })
}
