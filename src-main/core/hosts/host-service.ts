import { existsSync } from 'node:fs'
import type { z } from 'zod'
import type {
  CreateHostInput as CreateHostSchema,
  HostSummary,
  ImportCandidates,
  ProbeResult,
  TestHostInput as TestHostSchema,
  TestHostResult,
  UpdateHostInput as UpdateHostSchema,
} from '../../../src-preload/contract/hosts'
import type { ProxySettings } from '../../../src-preload/contract/routes'
import type { Logger } from '../../infra/logging/logger'
import type { SecretBox } from '../../infra/secrets/secret-box'
import { probeHostKey, type ProbedHostKey } from '../../infra/ssh'
import type { EventBus } from '../events/event-bus'
import { AppError } from '../shared/app-error'
import { newId } from '../shared/ids'
import type { ProxySettingsSource } from '../shared/proxy-ports'
import { testConnection } from './connection-test'
import { checkPrivateKey, hasCredential, sealCredential } from './host-credentials'
import type { HostConnections } from './host-connections'
import { editedAddress, localGainsSsh, testTargetOf, type SshPatch } from './host-edit'
import { discoverImportCandidates, type ImportSources } from './host-import'
import { hostKeyRefusal, knownHostsVerdict } from './host-key-check'
import { editedProxySettings, effectiveProxySettings, NO_PROXY_SETTINGS } from './host-proxy-settings'
import type { HostRecord, HostStore } from './host-store'

type ParsedCreate = z.output<typeof CreateHostSchema>
type ParsedUpdate = z.output<typeof UpdateHostSchema>
type ParsedTest = z.output<typeof TestHostSchema>
type StoredSsh = NonNullable<HostRecord['ssh']>

export interface HostServiceOptions {
  /** `~/.ssh/known_hosts`: a key listed there for the host counts as confirmed. */
  knownHostsPath: string
  importSources: ImportSources
  /** The local engine's socket when none is given: DOCKER_HOST (unix://) or /var/run/docker.sock. */
  defaultLocalSocket: string
  /** For a connection test with ssh-agent (SSH_AUTH_SOCK), as the tunnels get it. */
  env: NodeJS.ProcessEnv
  /** The connection test's own tunnels log here. */
  logger: Logger
  probeTimeoutMs?: number
}

export class HostService implements ProxySettingsSource {
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

  /** The host's proxy settings over the defaults; the proxy domain reads them at each apply. */
  proxySettings(hostId: string): ProxySettings {
    return effectiveProxySettings(this.record(hostId).proxy)
  }

  /** Connects just far enough to read the server's host key; stores nothing and never authenticates. */
  async probe(host: string, port: number): Promise<ProbeResult> {
    const { fingerprint, keyType } = await this.probeKey(host, port)
    const verdict = knownHostsVerdict(this.options.knownHostsPath, host, port, fingerprint)
    return { hostKeyFingerprint: fingerprint, keyType, knownHosts: verdict === 'revoked' ? 'mismatch' : verdict }
  }

  async create(parsed: ParsedCreate): Promise<HostSummary> {
    this.assertNameFree(parsed.name)
    const proxy = editedProxySettings(NO_PROXY_SETTINGS, parsed.proxy)
    const id = newId()
    const record: HostRecord = {
      id,
      name: parsed.name,
      kind: parsed.ssh ? 'ssh' : 'local',
      socketPath: parsed.socketPath ?? (parsed.ssh ? '/var/run/docker.sock' : this.options.defaultLocalSocket),
      labels: parsed.labels ?? {},
      ssh: parsed.ssh ? await this.newSsh(id, parsed.ssh) : null,
      proxy,
      createdAt: new Date().toISOString(),
    }
    // The checks awaited the network: another request may have taken the name meanwhile.
    this.assertNameFree(parsed.name)
    this.store.insert(record)
    this.connections.open(record)
    return this.changed(record)
  }

  /**
   * Edits a stored host. Every check (name, key file, host key at a new address) passes before anything is
   * written; credentials not given are kept. A host whose link settings changed is reconnected with them.
   */
  async update(input: ParsedUpdate): Promise<HostSummary> {
    const current = this.record(input.id)
    const name = input.name ?? current.name
    this.assertNameFree(name, current.id)
    const proxy = editedProxySettings(current.proxy, input.proxy)
    const next: HostRecord = {
      ...current,
      name,
      proxy,
      socketPath: input.socketPath ?? current.socketPath,
      labels: input.labels ?? current.labels,
      ssh: input.ssh ? await this.editedSsh(current, input.ssh) : current.ssh,
    }
    this.assertNameFree(name, current.id)
    this.record(current.id)
    this.store.update(next)
    const sameLink = next.socketPath === current.socketPath && JSON.stringify(next.ssh) === JSON.stringify(current.ssh)
    // A rename or new labels must not cut the streams open on a working link.
    if (sameLink) this.connections.refresh(next)
    else this.connections.open(next)
    return this.changed(next)
  }

  /** Every step a link would take, with what the request gives over what is stored; stores nothing. */
  async test(input: ParsedTest): Promise<TestHostResult> {
    const stored = input.id === undefined ? undefined : this.record(input.id)
    const target = testTargetOf(input, stored, {
      secrets: this.secrets,
      env: this.options.env,
      defaultLocalSocket: this.options.defaultLocalSocket,
    })
    return testConnection(target, {
      knownHosts: (host, port, fingerprint) => knownHostsVerdict(this.options.knownHostsPath, host, port, fingerprint),
      logger: this.options.logger,
      stepTimeoutMs: Math.min(this.options.probeTimeoutMs ?? 10_000, 10_000),
    })
  }

  /** A host that gave up (or is waiting to reconnect) tries again now. */
  retry(id: string): HostSummary {
    const host = this.record(id)
    this.connections.retry(host)
    return this.connections.summary(host)
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
    return this.changed(updated)
  }

  importCandidates(): ImportCandidates {
    return discoverImportCandidates(this.options.importSources)
  }

  private changed(host: HostRecord): HostSummary {
    const summary = this.connections.summary(host)
    this.events.emit('hosts.changed', { hostId: host.id, host: summary })
    return summary
  }

  private assertNameFree(name: string, exceptId?: string): void {
    if (this.store.nameTaken(name, exceptId)) throw new AppError('conflict', `A host named ${name} exists`, 'name')
  }

  private async newSsh(id: string, ssh: NonNullable<ParsedCreate['ssh']>): Promise<StoredSsh> {
    // The credential is checked before the network: a key that cannot be used is never stored.
    await checkPrivateKey(ssh)
    const key = await this.confirmedHostKey(ssh.host, ssh.port, ssh.hostKeyFingerprint)
    return {
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      ...(await sealCredential(this.secrets, id, ssh)),
      hostKeyType: key.keyType,
      hostKeyFingerprint: key.fingerprint,
    }
  }

  private async editedSsh(current: HostRecord, patch: SshPatch): Promise<StoredSsh> {
    if (!current.ssh) throw localGainsSsh()
    const stored = current.ssh
    const { host, port, moved, repinned } = editedAddress(stored, patch)
    const newCredential = hasCredential(patch)
    if (newCredential) await checkPrivateKey(patch)
    // A new address is a new server as far as trust goes; a new confirmation at the same address is a re-pin.
    const key =
      moved || repinned
        ? await this.confirmedHostKey(host, port, patch.hostKeyFingerprint)
        : { keyType: stored.hostKeyType, fingerprint: stored.hostKeyFingerprint }
    const credential = newCredential
      ? await sealCredential(this.secrets, current.id, patch)
      : {
          auth: stored.auth,
          privateKeyPath: stored.privateKeyPath,
          sealedSecret: stored.sealedSecret,
          sealedPassphrase: stored.sealedPassphrase,
        }
    return {
      host,
      port,
      username: patch.username ?? stored.username,
      ...credential,
      hostKeyType: key.keyType,
      hostKeyFingerprint: key.fingerprint,
    }
  }

  /** The key the server at this address presents, once the user (or known_hosts) vouched for exactly it. */
  private async confirmedHostKey(host: string, port: number, confirmed: string | undefined): Promise<ProbedHostKey> {
    const probed = await this.probeKey(host, port)
    const verdict = knownHostsVerdict(this.options.knownHostsPath, host, port, probed.fingerprint)
    const refusal = hostKeyRefusal(host, probed, confirmed, verdict)
    if (refusal) throw refusal
    return probed
  }

  private async probeKey(host: string, port: number): Promise<ProbedHostKey> {
    return probeHostKey({ host, port, timeoutMs: this.options.probeTimeoutMs ?? 10_000 })
  }
}
