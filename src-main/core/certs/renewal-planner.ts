import { X509Certificate } from '@peculiar/x509'
import type { Logger } from '../../infra/logging/logger'
import type { AcmeConnection } from './acme-http'
import { certIdOf, fetchRenewalInfo, firstPem } from './ari'
import { ariRenewalDue, lifetimeRenewalDue, nextAriPoll } from './renewal-schedule'

/** What the certificate itself says, read from the leaf of the chain. */
export interface LeafInfo {
  serial: string
  issuer: string
  notBefore: Date
  notAfter: Date
}

export function readLeaf(chainPem: string): LeafInfo {
  const leaf = new X509Certificate(firstPem(chainPem))
  return {
    serial: leaf.serialNumber.toLowerCase(),
    issuer: leaf.issuer,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
  }
}

export interface Plan {
  renewalDueAt: Date
  renewalSource: 'ari' | 'lifetime'
}

interface Directory {
  renewalInfo?: string
}

const DIRECTORY_MAX_AGE_MS = 24 * 3_600_000

/**
 * Decides a certificate's renewal time: inside the CA's ARI window when the directory offers `renewalInfo`,
 * polled no more often than its Retry-After allows; else the lifetime rule. A time once chosen is kept until
 * there is a reason to choose again (a new window, a new certificate), so a restart or a poll does not re-roll it.
 * The next ARI poll is kept in memory: after a restart the first check polls again, which the RFC allows.
 */
export class RenewalPlanner {
  private readonly directories = new Map<string, { at: number; directory: Directory }>()
  /** Serial → when ARI may be asked again. */
  private readonly ariPollAt = new Map<string, number>()

  constructor(
    private readonly now: () => Date,
    private readonly random: () => number,
    private readonly logger: Logger,
  ) {}

  /** The directory, cached for a day; null when it cannot be read (the lifetime rule applies meanwhile). */
  async directory(connection: AcmeConnection, signal: AbortSignal): Promise<Directory | null> {
    const cached = this.directories.get(connection.directoryUrl)
    if (cached && this.now().getTime() - cached.at < DIRECTORY_MAX_AGE_MS) return cached.directory
    try {
      const answer = await connection.get(connection.directoryUrl, signal)
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`)
      const directory = JSON.parse(answer.body) as Directory
      this.directories.set(connection.directoryUrl, { at: this.now().getTime(), directory })
      return directory
    } catch (err) {
      this.logger.warn({ directoryUrl: connection.directoryUrl, err: String(err) }, 'ACME directory unreadable')
      return null
    }
  }

  /** The CertID to send as `replaces` when ordering its successor, when the CA speaks ARI. */
  async replaces(connection: AcmeConnection, chainPem: string | null, signal: AbortSignal): Promise<string | null> {
    if (!chainPem) return null
    const directory = await this.directory(connection, signal)
    if (!directory?.renewalInfo) return null
    try {
      return certIdOf(chainPem)
    } catch {
      return null
    }
  }

  async plan(
    connection: AcmeConnection,
    chainPem: string,
    previous: { renewalDueAt: Date | null; renewalSource: 'ari' | 'lifetime' | null },
    signal: AbortSignal,
  ): Promise<Plan> {
    const leaf = readLeaf(chainPem)
    const now = this.now()
    const lifetime = (): Plan =>
      previous.renewalSource === 'lifetime' && previous.renewalDueAt
        ? { renewalDueAt: previous.renewalDueAt, renewalSource: 'lifetime' }
        : { renewalDueAt: lifetimeRenewalDue(leaf, this.random), renewalSource: 'lifetime' }
    const keepAri = (): Plan | null =>
      previous.renewalSource === 'ari' && previous.renewalDueAt
        ? { renewalDueAt: previous.renewalDueAt, renewalSource: 'ari' }
        : null

    const directory = await this.directory(connection, signal)
    if (!directory?.renewalInfo) return lifetime()
    const pollAt = this.ariPollAt.get(leaf.serial)
    if (pollAt !== undefined && now.getTime() < pollAt) return keepAri() ?? lifetime()

    let certId: string | null
    try {
      certId = certIdOf(chainPem)
    } catch {
      certId = null
    }
    if (!certId) return lifetime()
    try {
      const { info, status, retryAfter } = await fetchRenewalInfo(
        connection,
        directory.renewalInfo,
        certId,
        now,
        signal,
      )
      this.ariPollAt.set(leaf.serial, nextAriPoll(now, info?.retryAfter ?? retryAfter).getTime())
      if (!info) {
        this.logger.warn({ certId, status }, 'ARI answered nothing usable: renewal by lifetime')
        return keepAri() ?? lifetime()
      }
      const kept = previous.renewalSource === 'ari' ? previous.renewalDueAt : null
      return { renewalDueAt: ariRenewalDue(info.window, kept, now, this.random), renewalSource: 'ari' }
    } catch (err) {
      if (signal.aborted) throw err
      this.ariPollAt.set(leaf.serial, nextAriPoll(now, null).getTime())
      this.logger.warn({ certId, err: String(err) }, 'ARI unreachable: renewal by lifetime')
      return keepAri() ?? lifetime()
    }
  }
}
