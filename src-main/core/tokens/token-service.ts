import { timingSafeEqual } from 'node:crypto'
import type { CreatedToken, CreateTokenInput, Role, TokenSummary } from '../../../src-preload/contract/schemas'
import type { EventBus } from '../events/event-bus'
import { AppError } from '../shared/app-error'
import { formatToken, hashSecret, newTokenId, newTokenSecret, parseToken } from './token-secret'
import type { StoredToken, TokenStore } from './token-store'

export interface AuthenticatedToken {
  id: string
  name: string
  role: Role
}

/** Recording every use would turn each read request into a disk write; a minute's precision is enough. */
const LAST_USED_PRECISION_MS = 60_000

const summary = ({ secretHash: _hash, ...rest }: StoredToken): TokenSummary => rest

export class TokenService {
  private readonly lastTouched = new Map<string, number>()

  constructor(
    private readonly store: TokenStore,
    private readonly events: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): TokenSummary[] {
    return this.store.list().map(summary)
  }

  /**
   * Creates a token; the returned `token` is the only time its secret exists outside the caller.
   * `beforeCommit` runs inside the insert's transaction: when it throws (the first admin token could
   * not be written to its file), the row is rolled back and no unusable token is left behind.
   */
  create(input: CreateTokenInput, beforeCommit?: (created: CreatedToken) => void): CreatedToken {
    const id = newTokenId()
    const secret = newTokenSecret()
    const stored: StoredToken = {
      id,
      name: input.name,
      role: input.role,
      createdAt: this.now().toISOString(),
      lastUsedAt: null,
      secretHash: hashSecret(secret),
    }
    const created = { ...summary(stored), token: formatToken(id, secret) }
    this.store.transaction(() => {
      this.store.insert(stored)
      beforeCommit?.(created)
    })
    this.events.emit('tokens.changed', {})
    return created
  }

  revoke(id: string): void {
    if (!this.store.delete(id)) throw new AppError('not_found', `No token with id ${id}`)
    this.lastTouched.delete(id)
    this.events.emit('tokens.changed', {})
  }

  exists(id: string): boolean {
    return this.store.get(id) !== undefined
  }

  isEmpty(): boolean {
    return this.store.count() === 0
  }

  /** Returns the token's identity, or null for anything malformed, unknown or revoked. */
  authenticate(presented: string): AuthenticatedToken | null {
    const parsed = parseToken(presented)
    if (!parsed) return null
    const stored = this.store.get(parsed.id)
    if (!stored) return null
    const presentedHash = hashSecret(parsed.secret)
    if (presentedHash.length !== stored.secretHash.length || !timingSafeEqual(presentedHash, stored.secretHash)) {
      return null
    }
    this.recordUse(stored.id)
    return { id: stored.id, name: stored.name, role: stored.role }
  }

  private recordUse(id: string): void {
    const now = this.now()
    const last = this.lastTouched.get(id) ?? 0
    if (now.getTime() - last < LAST_USED_PRECISION_MS) return
    this.lastTouched.set(id, now.getTime())
    this.store.touch(id, now.toISOString())
  }
}
