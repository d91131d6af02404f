import * as acme from 'acme-client'
import type { SecretBox } from '../../infra/secrets/secret-box'
import type { CertStore, StoredAccount } from './cert-store'

/** SecretBox context of the ACME account key: a sealed value moved elsewhere fails to open. */
export const ACCOUNT_KEY_CONTEXT = 'certs:account'

export const certKeyContext = (domain: string): string => `certs:${domain}:key`

/**
 * The ACME account key for a directory: made once (ECDSA P-256), sealed, and kept with the account URL the CA
 * answers. A different directory URL gets a new account (an account belongs to one CA). Made at most once at a
 * time, so two orders starting together share one account.
 */
export class AcmeAccounts {
  private creating: Promise<StoredAccount> | null = null

  constructor(
    private readonly store: CertStore,
    private readonly box: SecretBox,
  ) {}

  /** The key (unsealed for one order) and, once the CA answered one, the account URL with its contact. */
  async forOrder(
    directoryUrl: string,
    email: string | null,
  ): Promise<{ keyPem: string; account: { url: string; email: string | null } | null }> {
    const stored = await this.accountFor(directoryUrl, email)
    const keyPem = await this.box.open(stored.sealedKey, ACCOUNT_KEY_CONTEXT)
    return { keyPem, account: stored.accountUrl ? { url: stored.accountUrl, email: stored.email } : null }
  }

  /** Records the account URL (and the contact it was registered with) once the CA answered it. */
  remember(directoryUrl: string, accountUrl: string, email: string | null): void {
    const stored = this.store.account()
    if (!stored || stored.directoryUrl !== directoryUrl) return
    if (stored.accountUrl === accountUrl && stored.email === email) return
    this.store.saveAccount({ ...stored, accountUrl, email })
  }

  private async accountFor(directoryUrl: string, email: string | null): Promise<StoredAccount> {
    const stored = this.store.account()
    if (stored && stored.directoryUrl === directoryUrl) return stored
    this.creating ??= this.create(directoryUrl, email).finally(() => (this.creating = null))
    const made = await this.creating
    // Another directory was asked for while this one was being made: make that one too.
    return made.directoryUrl === directoryUrl ? made : this.accountFor(directoryUrl, email)
  }

  private async create(directoryUrl: string, email: string | null): Promise<StoredAccount> {
    const again = this.store.account()
    if (again && again.directoryUrl === directoryUrl) return again
    const keyPem = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString()
    const account: StoredAccount = {
      directoryUrl,
      accountUrl: null,
      sealedKey: await this.box.seal(keyPem, ACCOUNT_KEY_CONTEXT),
      email,
    }
    this.store.saveAccount(account)
    return account
  }
}
