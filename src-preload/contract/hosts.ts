import { z } from 'zod'
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
  .superRefine((value, ctx) => {
    const given = AUTH_KEYS.filter((key) => value[key] !== undefined)
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: given.length === 0 ? ['privateKeyPath'] : [given[1]!],
        message: 'Give exactly one of privateKeyPath, privateKey, password or agent',
      })
    }
    if (value.passphrase !== undefined && value.privateKey === undefined && value.privateKeyPath === undefined) {
      ctx.addIssue({ code: 'custom', path: ['passphrase'], message: 'A passphrase goes with a private key' })
    }
  })
export type SshHostInput = z.input<typeof SshHostInput>

export const CreateHostInput = z
  .object({
    name: DisplayName,
    /** The Docker socket: local path, or the path on the remote machine for SSH hosts. */
    socketPath: AbsolutePath.optional(),
    ssh: SshHostInput.optional(),
  })
  .strict()
export type CreateHostInput = z.input<typeof CreateHostInput>

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
  createdAt: z.string(),
})
export type HostSummary = z.infer<typeof HostSummary>

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
