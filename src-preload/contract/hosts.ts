import { z } from 'zod'
import { ProxySettings, ProxySettingsInput } from './routes'
import { ERROR_CODES } from './errors'
import { AbsolutePath, DisplayName, EntityId, NetworkHost, Port, Sha256Fingerprint, SshUsername } from './grammar'

export const HOST_STATES = ['connecting', 'connected', 'reconnecting', 'failed'] as const
export const HostState = z.enum(HOST_STATES)
export type HostState = z.infer<typeof HostState>

const SshAuthFields = {
  privateKeyPath: AbsolutePath.optional(),
  privateKey: z
    .string()
    .min(1)
    .max(64 * 1024)
    .optional(),
  passphrase: z.string().max(1024).optional(),
  password: z.string().min(1).max(1024).optional(),
  agent: z.literal(true).optional(),
}

const AUTH_KEYS = ['privateKeyPath', 'privateKey', 'password', 'agent'] as const

type AuthFields = { [K in (typeof AUTH_KEYS)[number] | 'passphrase']?: unknown }

/** Exactly one credential for a new host; at most one for an edit (none keeps the stored one). */
const authRules =
  (required: boolean) =>
  (value: AuthFields, ctx: z.RefinementCtx): void => {
    const given = AUTH_KEYS.filter((key) => value[key] !== undefined)
    if (given.length > 1 || (required && given.length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: given.length === 0 ? ['privateKeyPath'] : [given[1]!],
        message: 'Give exactly one of privateKeyPath, privateKey, password or agent',
      })
    }
    // A passphrase belongs to the key sent with it: an edit that keeps the stored key keeps its passphrase too.
    if (value.passphrase !== undefined && value.privateKey === undefined && value.privateKeyPath === undefined) {
      ctx.addIssue({ code: 'custom', path: ['passphrase'], message: 'A passphrase goes with a private key' })
    }
  }

export const SshHostInput = z
  .object({
    host: NetworkHost,
    port: Port.default(22),
    username: SshUsername,
    ...SshAuthFields,
    /** The fingerprint the user confirmed; may be omitted when ~/.ssh/known_hosts already vouches for the key. */
    hostKeyFingerprint: Sha256Fingerprint.optional(),
  })
  .strict()
  .superRefine(authRules(true))
export type SshHostInput = z.input<typeof SshHostInput>

/** Kubernetes-style label keys (lower case, optionally with a `/` prefix), so they can be used in selectors later. */
const LABEL_KEY = /^[a-z0-9]([a-z0-9._/-]{0,62}[a-z0-9])?$/
export const MAX_HOST_LABELS = 32

export const HostLabels = z
  .record(z.string(), z.string().max(256, 'A label value is at most 256 characters'))
  .superRefine((labels, ctx) => {
    const keys = Object.keys(labels)
    if (keys.length > MAX_HOST_LABELS) ctx.addIssue({ code: 'custom', message: `At most ${MAX_HOST_LABELS} labels` })
    for (const key of keys.filter((k) => !LABEL_KEY.test(k))) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'A label key is 1-64 of a-z 0-9 . _ / -, starting and ending with a letter or digit',
      })
    }
  })
export type HostLabels = z.infer<typeof HostLabels>

export const CreateHostInput = z
  .object({
    name: DisplayName,
    /** The Docker socket: local path, or the path on the remote machine for SSH hosts. */
    socketPath: AbsolutePath.optional(),
    labels: HostLabels.optional(),
    ssh: SshHostInput.optional(),
    /** The host's nginx proxy for routes: image and published ports (defaults: nginx alpine, 80 and 443). */
    proxy: ProxySettingsInput.optional(),
  })
  .strict()
export type CreateHostInput = z.input<typeof CreateHostInput>

/** An edit of a stored SSH host: every field optional; what is not given is kept. */
export const SshHostUpdate = z
  .object({
    host: NetworkHost.optional(),
    port: Port.optional(),
    username: SshUsername.optional(),
    ...SshAuthFields,
    /** Required (unless known_hosts vouches) when host or port change: the key the server at the new address presents. */
    hostKeyFingerprint: Sha256Fingerprint.optional(),
  })
  .strict()
  .superRefine(authRules(false))
export type SshHostUpdate = z.input<typeof SshHostUpdate>

/** `labels` replaces the whole set. A local host cannot gain `ssh`, and an SSH host cannot lose it. */
export const UpdateHostInput = z
  .object({
    id: EntityId,
    name: DisplayName.optional(),
    socketPath: AbsolutePath.optional(),
    labels: HostLabels.optional(),
    ssh: SshHostUpdate.optional(),
    /** Only the fields given change; the proxy is recreated with them at its next apply. */
    proxy: ProxySettingsInput.optional(),
  })
  .strict()
export type UpdateHostInput = z.input<typeof UpdateHostInput>

/**
 * "Test connection" before saving: the create body with the name optional, or, with `id`, an edit of that stored
 * host whose missing fields (sealed credentials included) come from the store. Nothing is stored either way.
 */
export const TestHostInput = z
  .object({
    id: EntityId.optional(),
    name: DisplayName.optional(),
    socketPath: AbsolutePath.optional(),
    labels: HostLabels.optional(),
    ssh: SshHostUpdate.optional(),
    /** Accepted so the host form can be tested as filled in; a connection test does not touch the proxy. */
    proxy: ProxySettingsInput.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.id !== undefined || value.ssh === undefined) return
    // Nothing stored fills the gaps: the SSH part must be complete, exactly as for create.
    const full = SshHostInput.safeParse(value.ssh)
    for (const issue of full.error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', path: ['ssh', ...issue.path], message: issue.message })
    }
  })
export type TestHostInput = z.input<typeof TestHostInput>

export const TEST_STEPS = ['tcp', 'hostKey', 'auth', 'engine'] as const
export const TestStepName = z.enum(TEST_STEPS)
export type TestStepName = z.infer<typeof TestStepName>

export const TestStep = z.object({
  step: TestStepName,
  status: z.enum(['ok', 'failed', 'skipped']),
  /** One sentence for people. */
  message: z.string(),
  /** On a failed step: the code the same failure has on a stored host. */
  code: z.enum(ERROR_CODES).optional(),
})
export type TestStep = z.infer<typeof TestStep>

/** Only the address matters for a probe; auth fields may be present (the same form is reused) and are ignored. */
export const ProbeHostInput = z.object({ ssh: z.object({ host: NetworkHost, port: Port.default(22) }) })

export const ProbeResult = z.object({
  hostKeyFingerprint: z.string(),
  keyType: z.string(),
  /** `true` when ~/.ssh/known_hosts already lists this key for this host, `false` when it lists another key. */
  knownHosts: z.enum(['match', 'mismatch', 'unknown']),
})
export type ProbeResult = z.infer<typeof ProbeResult>

export const HostFailure = z.object({ code: z.string(), message: z.string() })

export const DockerEngineInfo = z.object({
  version: z.string(),
  apiVersion: z.string(),
  os: z.string(),
  arch: z.string(),
  cpus: z.number(),
  memoryBytes: z.number(),
})
export type DockerEngineInfo = z.infer<typeof DockerEngineInfo>

export const HostSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['local', 'ssh']),
  socketPath: z.string(),
  labels: z.record(z.string(), z.string()),
  ssh: z
    .object({
      host: z.string(),
      port: z.number(),
      username: z.string(),
      auth: z.enum(['privateKeyPath', 'privateKey', 'password', 'agent']),
      privateKeyPath: z.string().nullable(),
      hostKeyType: z.string(),
      hostKeyFingerprint: z.string(),
    })
    .nullable(),
  state: HostState,
  failure: HostFailure.nullable(),
  /** While reconnecting: when the next attempt happens. */
  nextRetryAt: z.string().nullable(),
  engine: DockerEngineInfo.nullable(),
  proxy: ProxySettings,
  createdAt: z.string(),
})
export type HostSummary = z.infer<typeof HostSummary>

/** Every step in order; after the first failure the rest are `skipped`. */
export const TestHostResult = z.object({
  ok: z.boolean(),
  steps: z.array(TestStep),
  engine: DockerEngineInfo.nullable(),
  /** What the server presented (even when it was not the confirmed key), so the user can confirm it. */
  hostKeyFingerprint: z.string().nullable(),
  keyType: z.string().nullable(),
})
export type TestHostResult = z.infer<typeof TestHostResult>

export const HostIdInput = z.object({ id: EntityId }).strict()
export const ReplaceHostKeyInput = z.object({ id: EntityId, hostKeyFingerprint: Sha256Fingerprint }).strict()

export const ImportCandidates = z.object({
  ssh: z.array(
    z.object({
      alias: z.string(),
      host: z.string(),
      port: z.number(),
      username: z.string().nullable(),
      privateKeyPath: z.string().nullable(),
    }),
  ),
  dockerContexts: z.array(
    z.object({ name: z.string(), endpoint: z.string(), kind: z.enum(['local', 'ssh', 'other']) }),
  ),
})
export type ImportCandidates = z.infer<typeof ImportCandidates>

export const HostChanged = z.object({ hostId: z.string(), host: HostSummary.nullable() })
