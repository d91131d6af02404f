import * as acme from 'acme-client'
import { abortableSleep } from '../shared/abortable-sleep'
import type { AcmeCallContext, AcmeConnection } from './acme-http'

/**
 * One certificate order over HTTP-01, step by step (account, order, challenge, validate, finalize), so the job
 * can report each and stop between any two. The CA's verdict is what counts: acme-client's own pre-check of the
 * challenge is skipped (it resolves names with the OS resolver, which a private or test DNS never answers).
 */

export type OrderStep = 'account' | 'order' | 'challenge' | 'validate' | 'finalize'

/** A failure the CA (or the way to it) reported: its own words, and when it allows the next try. */
export class AcmeFailure extends Error {
  constructor(
    message: string,
    readonly retryAfter: string | null,
  ) {
    super(message)
    this.name = 'AcmeFailure'
  }
}

export interface ChallengeResponder {
  put(token: string, keyAuthorization: string): Promise<void>
  remove(token: string): Promise<void>
}

export interface OrderRequest {
  connection: AcmeConnection
  domain: string
  accountKeyPem: string
  /** The account URL the CA gave this key, and the contact it was registered with; null: register now. */
  account?: { url: string; email: string | null } | null
  email: string | null
  challenges: ChallengeResponder
  signal: AbortSignal
  step(step: OrderStep): void
  log(line: string): void
  /** The account URL the CA answered (kept with the account key), as soon as it is known. */
  onAccount?(accountUrl: string): void
  /** RFC 9773 §5: the CertID of the certificate this order replaces (only when the CA offers ARI). */
  replaces?: string | null
  /** How long the CA may take to validate or issue before the attempt fails. */
  pollTimeoutMs?: number
}

export interface OrderResult {
  chainPem: string
  keyPem: string
  accountUrl: string
}

type Authorization = Awaited<ReturnType<acme.Client['getAuthorizations']>>[number]

export async function orderCertificate(request: OrderRequest): Promise<OrderResult> {
  const { connection, signal } = request
  return connection.run(signal, async (ctx) => {
    try {
      return await runOrder(request, ctx)
    } catch (err) {
      if (signal.aborted || err instanceof AcmeFailure) throw err
      if (ctx.answered) throw new AcmeFailure(messageOf(err), ctx.retryAfter)
      // No answer came: acme-client loses the network error (it reads `response.config` of a request that got
      // none), so ask the directory ourselves to name the cause (refused, DNS, an untrusted certificate…).
      throw new AcmeFailure(await unreachable(connection, signal), ctx.retryAfter)
    }
  })
}

async function unreachable(connection: AcmeConnection, signal: AbortSignal): Promise<string> {
  const what = `Could not reach the ACME server ${connection.origin}`
  try {
    const answer = await connection.get(connection.directoryUrl, signal)
    return answer.status === 200 ? `${what}: the connection failed` : `${what}: its directory answered ${answer.status}`
  } catch (err) {
    const code = (err as { code?: string }).code
    return `${what}: ${code ? `${code} ` : ''}${(err as Error).message}`
  }
}

async function runOrder(request: OrderRequest, ctx: AcmeCallContext): Promise<OrderResult> {
  const { connection, domain, signal, log } = request
  const contact = request.email ? [`mailto:${request.email}`] : []
  const account = request.account ?? null
  let client = new acme.Client({
    directoryUrl: connection.directoryUrl,
    accountKey: request.accountKeyPem,
    ...(account ? { accountUrl: account.url } : {}),
  })
  const register = async (): Promise<void> => {
    client = new acme.Client({ directoryUrl: connection.directoryUrl, accountKey: request.accountKeyPem })
    // Look the key up first: for a known key, acme-client follows newAccount with an update of the same fields,
    // which a CA refuses when there is nothing to update (no contact).
    try {
      await client.createAccount({ onlyReturnExisting: true })
    } catch (err) {
      // Only "no such account" leads to registering: not a rate limit, a CA error or a network failure.
      const status = ctx.answered ? ctx.lastStatus : null
      if (status === null || status === 429 || status >= 500) throw err
      await client.createAccount({ termsOfServiceAgreed: true, ...(contact.length ? { contact } : {}) })
      return
    }
    if (contact.length) await client.updateAccount({ contact })
  }

  request.step('account')
  if (!account) await register()
  // An update with nothing in it is refused ("use POST-as-GET"): only a changed contact is sent.
  else if (account.email !== request.email) await client.updateAccount({ contact })
  request.onAccount?.(client.getAccountUrl())
  signal.throwIfAborted()

  request.step('order')
  const orderInput = {
    identifiers: [{ type: 'dns', value: domain }],
    ...(request.replaces ? { replaces: request.replaces } : {}),
  } as OrderInput
  let order: Awaited<ReturnType<acme.Client['createOrder']>>
  try {
    order = await createOrder(client, orderInput, request, ctx)
  } catch (err) {
    // A CA that no longer knows the stored account (a test CA restarted, an account deactivated elsewhere):
    // register the key again, once.
    if (!account || !/account/i.test(messageOf(err))) throw err
    log(`The CA does not know account ${account.url} any more: registering again`)
    await register()
    request.onAccount?.(client.getAccountUrl())
    order = await createOrder(client, orderInput, request, ctx)
  }
  log(`Order created at ${order.url}`)
  const authorizations = await client.getAuthorizations(order)
  signal.throwIfAborted()

  for (const authz of authorizations) {
    if (authz.status === 'valid') {
      log(`${authz.identifier.value}: already authorized`)
      continue
    }
    await prove(client, authz, request)
  }

  request.step('finalize')
  const [keyPem, csr] = await acme.crypto.createCsr(
    { commonName: domain, altNames: [domain] },
    await acme.crypto.createPrivateEcdsaKey('P-256'),
  )
  const finalized = await client.finalizeOrder(order, csr)
  const ready = await pollUntil(
    () => client.getOrder(finalized),
    (o) => statusOf(o.status, `The order for ${domain}`, JSON.stringify((o as { error?: unknown }).error ?? null)),
    request,
  )
  const chainPem = await client.getCertificate(ready)
  log(`Certificate issued for ${domain}`)
  return { chainPem, keyPem: keyPem.toString(), accountUrl: client.getAccountUrl() }
}

type OrderInput = Parameters<acme.Client['createOrder']>[0]

/**
 * newOrder, with `replaces` when given. A CA refuses `replaces` for a certificate that already has a replacement
 * order (RFC 9773 §5: 409 alreadyReplaced), such as one a canceled renewal left pending, which would fail every
 * retry until that order expires: the order is then placed again without it (`replaces` is a hint, not a need).
 */
async function createOrder(client: acme.Client, input: OrderInput, request: OrderRequest, ctx: AcmeCallContext) {
  try {
    return await client.createOrder(input)
  } catch (err) {
    const replaces = (input as { replaces?: string }).replaces
    if (!replaces || !ctx.answered || (ctx.lastStatus !== 409 && !/replace/i.test(messageOf(err)))) throw err
    request.log(`The CA refused to mark this order as replacing ${replaces} (${messageOf(err)}): ordering without`)
    const { replaces: _dropped, ...plain } = input as OrderInput & { replaces?: string }
    return client.createOrder(plain)
  }
}

async function prove(client: acme.Client, authz: Authorization, request: OrderRequest) {
  const name = authz.identifier.value
  const challenge = authz.challenges.find((c) => c.type === 'http-01')
  if (!challenge) throw new AcmeFailure(`The CA offers no HTTP-01 challenge for ${name}`, null)
  const keyAuthorization = await client.getChallengeKeyAuthorization(challenge)

  request.step('challenge')
  try {
    // Inside the try: a put that failed on one host of several may have served the token on the others.
    await request.challenges.put(challenge.token, keyAuthorization)
    request.signal.throwIfAborted()
    await client.completeChallenge(challenge)
    request.step('validate')
    request.log(`${name}: the CA is fetching /.well-known/acme-challenge/${challenge.token}`)
    await pollUntil(
      () => client.getAuthorizations({ authorizations: [authz.url] } as never).then((list) => list[0]!),
      (a) => statusOf(a.status, `Validation of ${name}`, challengeError(a)),
      request,
    )
    request.log(`${name}: validated`)
  } finally {
    // Also after a failure or a cancel: the token must not stay served.
    await request.challenges.remove(challenge.token).catch((err: unknown) => {
      request.log(`Could not remove the challenge for ${name}: ${messageOf(err)}`)
    })
  }
}

type Verdict = 'done' | 'pending'

function statusOf(status: string, what: string, error: string | null): Verdict {
  if (status === 'valid') return 'done'
  if (status === 'pending' || status === 'processing' || status === 'ready') return 'pending'
  throw new AcmeFailure(error && error !== 'null' ? error : `${what} ended ${status}`, null)
}

function challengeError(authz: Authorization): string | null {
  for (const c of authz.challenges) {
    const error = (c as { error?: { detail?: string; type?: string } }).error
    if (error) return error.detail ?? error.type ?? null
  }
  return null
}

/** Polls with short, growing pauses (0.25 s … 2 s) that a cancel cuts short. */
async function pollUntil<T>(fetch: () => Promise<T>, verdict: (item: T) => Verdict, request: OrderRequest): Promise<T> {
  const timeout = request.pollTimeoutMs ?? 120_000
  const deadline = Date.now() + timeout
  for (let pause = 250; ; pause = Math.min(2_000, pause * 2)) {
    const item = await fetch()
    if (verdict(item) === 'done') return item
    if (Date.now() + pause > deadline) {
      throw new AcmeFailure(`The CA did not finish within ${Math.round(timeout / 1000)} s`, null)
    }
    await abortableSleep(pause, request.signal)
  }
}

/** acme-client's errors carry the CA's `detail`. */
function messageOf(err: unknown): string {
  if (err instanceof TypeError) return 'The ACME server’s answer could not be read'
  return err instanceof Error ? err.message || String(err) : String(err)
}
