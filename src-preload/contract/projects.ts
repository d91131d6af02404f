import { z } from 'zod'
import { Since } from './containers'
import { AbsolutePath, EntityId, ImageRef, Port, VolumeName } from './grammar'

/**
 * Projects and services: an operator describes a service once (its spec) and glinrdock makes the engine match.
 * A project lives on one host and owns the network `glinrdock-<project>`, where services find each other by name.
 * Env values are sealed at rest; values of keys marked secret never leave the main process again (they come back
 * as `value: null`), so the renderer never holds one.
 */

/**
 * Project and service names end up in a container name (`<project>-<service>`), a network name and a DNS alias:
 * lowercase letters, digits, `_` and `-`, starting and ending with a letter or digit (compose's project names
 * plus DNS's rule for the alias).
 */
const SLUG = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/
const slugMessage = (what: string): string =>
  `${what} may contain lowercase letters, digits, "_" and "-", and must start and end with a letter or digit (at most 63)`

export const ProjectName = z.string().regex(SLUG, slugMessage('A project name'))
export const ServiceName = z.string().regex(SLUG, slugMessage('A service name'))

/** The network a project's services share. */
export const projectNetworkName = (project: string): string => `glinrdock-${project}`
/** The container a service runs as. */
export const serviceContainerName = (project: string, service: string): string => `${project}-${service}`

/** Labels glinrdock puts on what it creates; user labels may not use the prefix. */
export const GLINRDOCK_LABEL_PREFIX = 'io.glinrdock.'
export const LABELS = {
  project: 'io.glinrdock.project',
  service: 'io.glinrdock.service',
  specHash: 'io.glinrdock.spec-hash',
  /** The deployment that made the container (not part of the spec hash: the same spec may be deployed again). */
  deployment: 'io.glinrdock.deployment',
} as const

/** Go's `time.ParseDuration` units, as compose and the engine's health checks take them: `30s`, `1m30s`, `500ms`. */
export const Duration = z
  .string()
  .max(32)
  .regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'Not a duration (e.g. 30s, 1m30s, 500ms)')

export const EnvKey = z
  .string()
  .max(255)
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'Not an environment variable name (letters, digits and _, not starting with a digit)',
  )

const EnvValue = z
  .string()
  .max(65536)
  .regex(/^[^\0]*$/, 'A value may not contain NUL')

/**
 * One variable. On the way in, `value` is required unless the key is secret and already stored (an edit that keeps
 * a secret sends `{key, secret: true}` without a value). On the way out a secret's value is always null.
 */
export const EnvVarInput = z
  .object({ key: EnvKey, value: EnvValue.optional(), secret: z.boolean().default(false) })
  .strict()
export const EnvVar = z.object({ key: z.string(), value: z.string().nullable(), secret: z.boolean() })
export type EnvVar = z.infer<typeof EnvVar>

export const PortMapping = z
  .object({
    container: Port,
    /** Unset: the port is only exposed on the project network (compose's `expose`). */
    host: Port.optional(),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    hostIp: z.ipv4().or(z.ipv6()).optional(),
  })
  .strict()
  .refine((p) => p.hostIp === undefined || p.host !== undefined, {
    message: 'hostIp needs a host port',
    path: ['hostIp'],
  })
export type PortMapping = z.output<typeof PortMapping>

const NamedVolumeMount = z
  .object({
    type: z.literal('volume'),
    /** Unset: an anonymous volume. */
    source: VolumeName.optional(),
    target: AbsolutePath,
    readOnly: z.boolean().default(false),
  })
  .strict()

/** Bind mounts expose the host's files to the container: each one must be confirmed on its own. */
const BindMount = z
  .object({
    type: z.literal('bind'),
    source: AbsolutePath,
    target: AbsolutePath,
    readOnly: z.boolean().default(false),
    confirmBind: z.literal(true, { error: 'A bind mount exposes host files: confirm it with "confirmBind": true' }),
  })
  .strict()

export const VolumeMount = z.discriminatedUnion('type', [NamedVolumeMount, BindMount])
export type VolumeMount = z.output<typeof VolumeMount>

export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const
export const RestartPolicy = z
  .object({ policy: z.enum(RESTART_POLICIES), maxRetries: z.number().int().min(0).max(1000).optional() })
  .strict()
export type RestartPolicy = z.output<typeof RestartPolicy>

/** A command as an argument vector, never a string a shell would split. */
const Argv = z
  .array(
    z
      .string()
      .max(4096)
      .regex(/^[^\0]*$/, 'An argument may not contain NUL'),
  )
  .min(1)
  .max(256)

/** URL paths for HTTP health checks: RFC 3986 unreserved characters and `/`, nothing a shell or URL could widen. */
export const HttpPath = z
  .string()
  .max(512)
  .regex(/^\/[A-Za-z0-9._~/-]*$/, 'A path starts with / and may contain letters, digits and . _ ~ / -')

const HealthTiming = {
  interval: Duration.optional(),
  timeout: Duration.optional(),
  retries: z.number().int().min(1).max(100).optional(),
  startPeriod: Duration.optional(),
}

export const Healthcheck = z.discriminatedUnion('type', [
  /** Probed inside the container with `wget --spider` (busybox and most base images have it). */
  z.object({ type: z.literal('http'), path: HttpPath.default('/'), port: Port, ...HealthTiming }).strict(),
  /** Run as an argument vector (`CMD`); a shell only if the command names one. */
  z.object({ type: z.literal('command'), command: Argv, ...HealthTiming }).strict(),
])
export type Healthcheck = z.output<typeof Healthcheck>

export const Resources = z
  .object({
    /** Bytes; at least 6 MiB, the engine's minimum. */
    memoryBytes: z
      .number()
      .int()
      .min(6 * 1024 * 1024, 'At least 6 MiB')
      .max(2 ** 50)
      .optional(),
    cpus: z.number().min(0.01).max(1024).optional(),
  })
  .strict()
export type Resources = z.output<typeof Resources>

const LabelKey = z
  .string()
  .max(255)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/-]*$/, 'Not a label key (letters, digits, . _ / -)')
  .refine((key) => !key.startsWith(GLINRDOCK_LABEL_PREFIX), 'Labels under io.glinrdock. are reserved')
export const Labels = z.record(
  LabelKey,
  z
    .string()
    .max(4096)
    .regex(/^[^\0]*$/, 'A label may not contain NUL'),
)

/** A user name or uid, optionally with a group: `app`, `1000`, `1000:1000`. */
export const ContainerUser = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, 'Not a user (name, uid, or uid:gid)')

/**
 * Where a service's image is built from. URLs: https, ssh (also scp-like `git@host:repo`), git, or an absolute
 * path on the machine glinrdock runs on; never `ext::` or `file::`-style transports, nor anything starting with `-`.
 */
export const GitSource = z
  .object({
    url: z
      .string()
      .min(1)
      .max(2048)
      .regex(
        /^(https:\/\/|ssh:\/\/|git:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!-)|\/)[^\s\0]+$/,
        'Not a git URL (https, ssh, git, or an absolute path)',
      ),
    ref: z
      .string()
      .min(1)
      .max(255)
      .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+(?<![./])$/, 'Not a branch, tag or commit'),
    /** A build stage (`docker build --target`). */
    target: z
      .string()
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Not a build stage name')
      .optional(),
    /** Build arguments (`--build-arg`); not secret: they end up in the image's history. */
    buildArgs: z
      .record(
        EnvKey,
        z
          .string()
          .max(4096)
          .regex(/^[^\0]*$/, 'A build argument may not contain NUL'),
      )
      .optional(),
    /** Follow the branch with `git ls-remote` (for servers GitHub cannot reach) and build each new commit. */
    poll: z.boolean().optional(),
    /** Seconds between two polls (jittered); 60 when unset. */
    pollIntervalSeconds: z.number().int().min(15).max(86_400).optional(),
    context: z
      .string()
      .max(1024)
      .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]*$/, 'A folder inside the repository')
      .optional(),
    dockerfile: z
      .string()
      .max(1024)
      .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+$/, 'A file inside the repository')
      .optional(),
  })
  .strict()
export type GitSource = z.output<typeof GitSource>

/** Every spec field but the name and the source, shared by create, edit and the stored form. */
const specFields = {
  command: Argv.nullable().optional(),
  entrypoint: Argv.nullable().optional(),
  env: z.array(EnvVarInput).max(1000).default([]),
  ports: z.array(PortMapping).max(256).default([]),
  volumes: z.array(VolumeMount).max(256).default([]),
  restart: RestartPolicy.default({ policy: 'unless-stopped' }),
  healthcheck: Healthcheck.nullable().optional(),
  resources: Resources.default({}),
  user: ContainerUser.nullable().optional(),
  labels: Labels.default({}),
  dependsOn: z.array(ServiceName).max(256).default([]),
  autoDeploy: z.boolean().default(false),
}

function checkSpec(
  spec: {
    image?: string | null
    git?: unknown
    env?: { key: string }[]
    ports?: PortMapping[]
    volumes?: { target: string }[]
  },
  ctx: z.RefinementCtx,
): void {
  const keys = new Set<string>()
  spec.env?.forEach((variable, i) => {
    if (keys.has(variable.key))
      ctx.addIssue({ code: 'custom', path: ['env', i, 'key'], message: `${variable.key} is set twice` })
    keys.add(variable.key)
  })
  const bound = new Set<string>()
  spec.ports?.forEach((port, i) => {
    if (port.host === undefined) return
    const key = `${port.hostIp ?? '*'}:${port.host}/${port.protocol}`
    if (bound.has(key))
      ctx.addIssue({
        code: 'custom',
        path: ['ports', i, 'host'],
        message: `Host port ${port.host}/${port.protocol} is used twice`,
      })
    bound.add(key)
  })
  const targets = new Set<string>()
  spec.volumes?.forEach((volume, i) => {
    if (targets.has(volume.target))
      ctx.addIssue({ code: 'custom', path: ['volumes', i, 'target'], message: `${volume.target} is mounted twice` })
    targets.add(volume.target)
  })
}

export const CreateServiceInput = z
  .object({
    projectId: EntityId,
    name: ServiceName,
    image: ImageRef.nullable().optional(),
    git: GitSource.nullable().optional(),
    ...specFields,
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (!spec.image === !spec.git)
      ctx.addIssue({ code: 'custom', path: ['image'], message: 'A service needs an image or a git source, not both' })
    if (spec.dependsOn.includes(spec.name))
      ctx.addIssue({ code: 'custom', path: ['dependsOn'], message: 'A service cannot depend on itself' })
    checkSpec(spec, ctx)
  })
export type CreateServiceInput = z.input<typeof CreateServiceInput>

/** An edit replaces the fields it names; env as a whole list (secrets without a value keep theirs). */
export const UpdateServiceInput = z
  .object({
    id: EntityId,
    image: ImageRef.nullable().optional(),
    git: GitSource.nullable().optional(),
    command: specFields.command,
    entrypoint: specFields.entrypoint,
    env: z.array(EnvVarInput).max(1000).optional(),
    ports: z.array(PortMapping).max(256).optional(),
    volumes: z.array(VolumeMount).max(256).optional(),
    restart: RestartPolicy.optional(),
    healthcheck: specFields.healthcheck,
    resources: Resources.optional(),
    user: specFields.user,
    labels: Labels.optional(),
    dependsOn: z.array(ServiceName).max(256).optional(),
    autoDeploy: z.boolean().optional(),
  })
  .strict()
  .superRefine(checkSpec)
export type UpdateServiceInput = z.input<typeof UpdateServiceInput>

/** A service's spec as stored and shown (secrets masked). */
export const ServiceSpec = z.object({
  name: z.string(),
  image: z.string().nullable(),
  git: GitSource.nullable(),
  command: z.array(z.string()).nullable(),
  entrypoint: z.array(z.string()).nullable(),
  env: z.array(EnvVar),
  ports: z.array(
    z.object({
      container: z.number(),
      host: z.number().optional(),
      protocol: z.enum(['tcp', 'udp']),
      hostIp: z.string().optional(),
    }),
  ),
  volumes: z.array(
    z.object({
      type: z.enum(['volume', 'bind']),
      source: z.string().optional(),
      target: z.string(),
      readOnly: z.boolean(),
    }),
  ),
  restart: z.object({ policy: z.enum(RESTART_POLICIES), maxRetries: z.number().optional() }),
  healthcheck: z
    .object({
      type: z.enum(['http', 'command']),
      path: z.string().optional(),
      port: z.number().optional(),
      command: z.array(z.string()).optional(),
      interval: z.string().optional(),
      timeout: z.string().optional(),
      retries: z.number().optional(),
      startPeriod: z.string().optional(),
    })
    .nullable(),
  resources: z.object({ memoryBytes: z.number().optional(), cpus: z.number().optional() }),
  user: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  dependsOn: z.array(z.string()),
  autoDeploy: z.boolean(),
})
export type ServiceSpec = z.infer<typeof ServiceSpec>

export const SERVICE_STATES = ['running', 'exited', 'restarting', 'unhealthy', 'missing', 'created', 'paused'] as const
export const ServiceState = z.enum(SERVICE_STATES)
export type ServiceState = z.infer<typeof ServiceState>

/**
 * How the engine differs from what glinrdock last applied: `spec_changed` (the spec was edited since the deploy),
 * `stopped` (stopped or exited although it should run), `removed` (its container is gone), `replaced` (another
 * container now carries the service, created outside glinrdock).
 */
export const DRIFT_KINDS = ['spec_changed', 'stopped', 'removed', 'replaced'] as const
export const Drift = z.object({ kind: z.enum(DRIFT_KINDS), message: z.string() })
export type Drift = z.infer<typeof Drift>

export const ServiceStatus = z.object({
  state: ServiceState,
  containerId: z.string().nullable(),
  containerName: z.string().nullable(),
  imageId: z.string().nullable(),
  /** The repo digest of the image the container runs, when the engine knows one. */
  imageDigest: z.string().nullable(),
  startedAt: z.string().nullable(),
  health: z.enum(['starting', 'healthy', 'unhealthy']).nullable(),
  exitCode: z.number().nullable(),
  drift: z.array(Drift),
  /** False while the host is unreachable: the last known state is shown. */
  live: z.boolean(),
})
export type ServiceStatus = z.infer<typeof ServiceStatus>

/** The image a successful deployment (or rollback) pinned by id: the container runs it instead of `spec.image`. */
export const ServiceRelease = z.object({
  deploymentId: z.string(),
  imageId: z.string(),
  /** The tag it was deployed as (may since point elsewhere, or be gone: the id is what runs). */
  imageTag: z.string(),
  commit: z.string().nullable(),
})
export type ServiceRelease = z.infer<typeof ServiceRelease>

export const ServiceSummary = z.object({
  id: z.string(),
  projectId: z.string(),
  hostId: z.string(),
  spec: ServiceSpec,
  /** The hash the running container must carry to match the spec. */
  specHash: z.string(),
  /** Null until a deployment pinned an image; cleared when the user sets another `spec.image`. */
  release: ServiceRelease.nullable().optional(),
  /** Whether glinrdock created its container, or took over an existing one. */
  origin: z.enum(['created', 'adopted']),
  desiredState: z.enum(['running', 'stopped']),
  status: ServiceStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type ServiceSummary = z.infer<typeof ServiceSummary>

export const ProjectSummary = z.object({
  id: z.string(),
  name: z.string(),
  hostId: z.string(),
  network: z.string(),
  serviceCount: z.number(),
  /** Services by state, for the list. */
  states: z.record(z.string(), z.number()),
  driftCount: z.number(),
  createdAt: z.string(),
})
export type ProjectSummary = z.infer<typeof ProjectSummary>

export const CreateProjectInput = z.object({ name: ProjectName, hostId: EntityId }).strict()
export type CreateProjectInput = z.input<typeof CreateProjectInput>
export const ProjectIdInput = z.object({ id: EntityId }).strict()
export const ProjectsListInput = z.object({ hostId: EntityId.optional() }).strict()
export const RemoveProjectInput = z
  .object({ id: EntityId, force: z.boolean().default(false), volumes: z.boolean().default(false) })
  .strict()
export const ServiceIdInput = z.object({ id: EntityId }).strict()
export const RemoveServiceInput = z.object({ id: EntityId, volumes: z.boolean().default(false) }).strict()
export const ServiceLogsInput = z
  .object({
    id: EntityId,
    tail: z.number().int().min(0).max(1_000_000).optional(),
    since: Since.optional(),
    timestamps: z.boolean().optional(),
  })
  .strict()
export const StopServiceInput = z
  .object({ id: EntityId, timeoutSeconds: z.number().int().min(0).max(3600).optional() })
  .strict()

/** Start answers with a job when it must pull, create or recreate; otherwise the container was just started. */
export const ServiceStartResult = z.object({ jobId: z.string().nullable() })
export type ServiceStartResult = z.infer<typeof ServiceStartResult>
export const ProjectJobResult = z.object({ jobId: z.string() })

// Compose -------------------------------------------------------------------------------------------

export const MAX_COMPOSE_BYTES = 512 * 1024

export const ComposeImportInput = z
  .object({
    projectId: EntityId,
    yaml: z.string().min(1, 'Paste a compose file').max(MAX_COMPOSE_BYTES, 'A compose file of at most 512 KiB'),
    dryRun: z.boolean().default(false),
    /** Bind mounts are left out (with a warning) unless confirmed for the whole file. */
    confirmBinds: z.boolean().default(false),
    /** `env_file` contents pasted by the user, by the path the compose file names (`./.env`). */
    envFiles: z.record(z.string().max(1024), z.string().max(MAX_COMPOSE_BYTES)).default({}),
  })
  .strict()
export type ComposeImportInput = z.input<typeof ComposeImportInput>

/** Every key the import could not honour, with its path in the file (`services.backend.build`). */
export const ComposeWarning = z.object({ path: z.string(), message: z.string() })
export type ComposeWarning = z.infer<typeof ComposeWarning>

export const ComposeImportResult = z.object({
  /** What was (or, with dryRun, would be) created; secrets masked. */
  services: z.array(ServiceSpec),
  warnings: z.array(ComposeWarning),
  /** Ids of the created services; empty for a dry run. */
  created: z.array(z.string()),
})
export type ComposeImportResult = z.infer<typeof ComposeImportResult>

export const ComposeExport = z.object({ yaml: z.string() })

// Adoption ------------------------------------------------------------------------------------------

export const AdoptableContainer = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  state: z.string(),
  /** `com.docker.compose.service`, when compose made it. */
  composeService: z.string().nullable(),
  /** The service name adoption would give it. */
  suggestedName: z.string(),
  /**
   * What its spec cannot carry over (privileged, capabilities, a random host port…): kept on the running
   * container, lost if glinrdock recreates it. Paths name the inspect field.
   */
  warnings: z.array(z.object({ path: z.string(), message: z.string() })),
})
export const AdoptableGroup = z.object({
  /** `com.docker.compose.project`; null for containers started on their own. */
  composeProject: z.string().nullable(),
  containers: z.array(AdoptableContainer),
})
export type AdoptableGroup = z.infer<typeof AdoptableGroup>

export const AdoptInput = z
  .object({
    projectId: EntityId,
    containerIds: z
      .array(z.string().regex(/^[0-9a-f]{12,64}$/, 'Not a container id'))
      .min(1)
      .max(200),
  })
  .strict()

// Events --------------------------------------------------------------------------------------------

/** A project or one of its services changed (spec, status, drift). Clients refetch what they show. */
export const ProjectsChanged = z.object({
  projectId: z.string(),
  /** Set when one service changed; the service's new summary, or null when it was removed. */
  serviceId: z.string().optional(),
  service: ServiceSummary.nullable().optional(),
  /** The project was removed. */
  removed: z.boolean().optional(),
})
export type ProjectsChanged = z.infer<typeof ProjectsChanged>
