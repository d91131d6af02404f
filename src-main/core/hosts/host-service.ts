import { existsSync, readFileSync } from 'node:fs'
import type { z } from 'zod'
import type {
  CreateHostInput as CreateHostSchema,
  HostSummary,
  ImportCandidates,
  ProbeResult,
} from '../../../src-preload/contract/hosts'
import type { SecretBox } from '../../infra/secrets/secret-box'
import { KeyFileError, lookupKnownHosts, parsePrivateKey, probeHostKey, readKeyFile } from '../../infra/ssh'
import type { EventBus } from '../events/event-bus'
import { AppError } from '../shared/app-error'
import { newId } from '../shared/ids'
import type { HostConnections } from './host-connections'
import { discoverImportCandidates, type ImportSources } from './host-import'
import type { HostRecord, HostStore, SshAuthKind } from './host-store'

type ParsedCreate = z.output<typeof CreateHostSchema>

export interface HostServiceOptions {
  /** `~/.ssh/known_hosts`: a key listed there for the host counts as confirmed. */
  knownHostsPath: string
  importSources: ImportSources
  /** The local engine's socket when none is given: DOCKER_HOST (unix://) or /var/run/docker.sock. */
  defaultLocalSocket: string
  probeTimeoutMs?: number
}

export const secretContext = (hostId: string, field: 'secret' | 'passphrase'): string => `hosts:${hostId}:${field}`

export class HostService {
  constructor(
    private readonly store: HostStore,
    private readonly connections: HostConnections,
    private readonly secrets: SecretBox,
    private readonly events: EventBus,
    private readonly options: HostServiceOptions,
  ) {}

  list(): HostSummary[] {
    return this.store.list().map((host) => this.connections.summary(host))
  }

  get(id: string): HostSummary {
    return this.connections.summary(this.record(id))
  }

  record(id: string): HostRecord {
    const host = this.store.get(id)
    if (!host) throw new AppError('not_found', `No host with id ${id}`)
    return host
  }

  /** Connects just far enough to read the server's host key; stores nothing and never authenticates. */
  async probe(host: string, port: number): Promise<ProbeResult> {
    const { fingerprint, keyType } = await this.probeKey(host, port)
    const verdict = this.knownHostsVerdict(host, port, fingerprint)
    return { hostKeyFingerprint: fingerprint, keyType, knownHosts: verdict === 'revoked' ? 'mismatch' : verdict }
  }

  async create(parsed: ParsedCreate): Promise<HostSummary> {
    if (this.store.nameTaken(parsed.name)) throw new AppError('conflict', `A host named ${parsed.name} exists`, 'name')
    const id = newId()
    const record: HostRecord = {
      id,
      name: parsed.name,
      kind: parsed.ssh ? 'ssh' : 'local',
      socketPath: parsed.socketPath ?? (parsed.ssh ? '/var/run/docker.sock' : this.options.defaultLocalSocket),
      ssh: parsed.ssh ? await this.sshRecord(id, parsed.ssh) : null,
      createdAt: new Date().toISOString(),
    }
    this.store.insert(record)
    this.connections.open(record)
    const summary = this.connections.summary(record)
    this.events.emit('hosts.changed', { hostId: id, host: summary })
    return summary
  }

  /**
   * First run of the desktop app: if a local engine is there, add it, as Docker Desktop users expect.
   * Done once, so a user who removes it does not get it back.
   */
  async offerLocalEngine(settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void }) {
    if (settings.get('hosts.localOffered')) return
    settings.set('hosts.localOffered', true)
    if (this.store.list().length > 0 || !existsSync(this.options.defaultLocalSocket)) return
    await this.create({ name: 'local', socketPath: this.options.defaultLocalSocket })
  }

  remove(id: string): void {
    this.record(id)
    this.connections.close(id)
    this.store.delete(id)
    this.events.emit('hosts.changed', { hostId: id, host: null })
  }

  /** The explicit action after a host key changed on purpose: probe, compare with what the user confirmed, re-pin. */
  async replaceHostKey(id: string, fingerprint: string): Promise<HostSummary> {
    const host = this.record(id)
    if (!host.ssh) throw new AppError('validation', 'Only SSH hosts have a host key', 'id')
    const probed = await this.probeKey(host.ssh.host, host.ssh.port)
    if (probed.fingerprint !== fingerprint) {
      throw new AppError(
        'host_key_mismatch',
        `The server now presents ${probed.fingerprint}, not the ${fingerprint} you confirmed`,
        'hostKeyFingerprint',
      )
    }
    this.store.replaceHostKey(id, probed.keyType, probed.fingerprint)
    this.connections.close(id)
    const updated = this.record(id)
    this.connections.open(updated)
    const summary = this.connections.summary(updated)
    this.events.emit('hosts.changed', { hostId: id, host: summary })
    return summary
  }

  importCandidates(): ImportCandidates {
    return discoverImportCandidates(this.options.importSources)
  }

  private async sshRecord(id: string, ssh: NonNullable<ParsedCreate['ssh']>): Promise<NonNullable<HostRecord['ssh']>> {
    // The credential is checked before the network: a key that cannot be used is never stored.
    await checkPrivateKey(ssh)
    const probed = await this.probeKey(ssh.host, ssh.port)
    const verdict = this.knownHostsVerdict(ssh.host, ssh.port, probed.fingerprint)
    if (verdict === 'revoked') {
      throw new AppError(
        'host_key_mismatch',
        `${ssh.host} presents ${probed.fingerprint}, which known_hosts marks @revoked: it cannot be trusted`,
        'ssh.hostKeyFingerprint',
      )
    }
    if (ssh.hostKeyFingerprint) {
      if (ssh.hostKeyFingerprint !== probed.fingerprint) {
        throw new AppError(
          'host_key_mismatch',
          `${ssh.host} presents ${probed.fingerprint}, not the confirmed ${ssh.hostKeyFingerprint}`,
          'ssh.hostKeyFingerprint',
        )
      }
    } else if (verdict === 'mismatch') {
      throw new AppError(
        'host_key_mismatch',
        `${ssh.host} presents ${probed.fingerprint}, but known_hosts lists another key for it`,
        'ssh.hostKeyFingerprint',
      )
    } else if (verdict !== 'match') {
      throw new AppError(
        'validation',
        `Confirm the host key of ${ssh.host} (${probed.keyType} ${probed.fingerprint}) by sending it as hostKeyFingerprint`,
        'ssh.hostKeyFingerprint',
      )
    }
    const auth: SshAuthKind = ssh.privateKeyPath
      ? 'privateKeyPath'
      : ssh.privateKey
        ? 'privateKey'
        : ssh.password
          ? 'password'
          : 'agent'
    const secret = ssh.privateKey ?? ssh.password
    return {
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      auth,
      privateKeyPath: ssh.privateKeyPath ?? null,
      sealedSecret: secret ? await this.secrets.seal(secret, secretContext(id, 'secret')) : null,
      sealedPassphrase: ssh.passphrase
        ? await this.secrets.seal(ssh.passphrase, secretContext(id, 'passphrase'))
        : null,
      hostKeyType: probed.keyType,
      hostKeyFingerprint: probed.fingerprint,
    }
  }

  private async probeKey(host: string, port: number): Promise<{ fingerprint: string; keyType: string }> {
    return probeHostKey({ host, port, timeoutMs: this.options.probeTimeoutMs ?? 10_000 })
  }

  private knownHostsVerdict(host: string, port: number, fingerprint: string): ProbeResult['knownHosts'] | 'revoked' {
    if (!existsSync(this.options.knownHostsPath)) return 'unknown'
    const { keys, revoked } = lookupKnownHosts(readFileSync(this.options.knownHostsPath, 'utf8'), host, port)
    if (revoked.some((key) => key.fingerprint === fingerprint)) return 'revoked'
    if (keys.some((key) => key.fingerprint === fingerprint)) return 'match'
    return keys.length > 0 ? 'mismatch' : 'unknown'
  }
}

/** A key path or pasted key must hold a private key that opens with the given passphrase. */
async function checkPrivateKey(ssh: NonNullable<ParsedCreate['ssh']>): Promise<void> {
  const field = ssh.privateKeyPath ? 'ssh.privateKeyPath' : 'ssh.privateKey'
  let text = ssh.privateKey
  if (ssh.privateKeyPath) {
    try {
      text = await readKeyFile(ssh.privateKeyPath)
    } catch (err) {
      if (err instanceof KeyFileError) throw new AppError('validation', err.message, field)
      throw err
    }
  }
  if (text === undefined) return
  const parsed = parsePrivateKey(text, ssh.passphrase)
  if ('code' in parsed) {
    // The parser's message never quotes the file, so nothing of a file that is not a key is echoed back.
    throw new AppError('validation', parsed.message, ssh.passphrase !== undefined ? 'ssh.passphrase' : field)
  }
}
