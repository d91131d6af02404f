import { z } from 'zod'
import { ROLES, roleAllows, type Permission } from './roles'
import { EntityId } from './grammar'
import {
  CertDomainInput,
  CertJobStarted,
  CertsChanged,
  CertSummary,
  CreateRouteInput,
  ListRoutesInput,
  PreviewProxyInput,
  ProxyChanged,
  ProxyHostInput,
  ProxyPreview,
  ProxyState,
  RouteIdInput,
  RoutesChanged,
  RouteSummary,
} from './routes'
import type { EventName, RequestMethod, StreamName } from './channels'
import {
  ContainersChanged,
  ContainerSummary,
  ContainerTarget,
  ExecInput,
  ExecOutput,
  ExecParams,
  HostMetrics,
  HostMetricsParams,
  KillContainerInput,
  LogBatch,
  LogsInput,
  LogsResult,
  LogStreamParams,
  RemoveContainerInput,
  StatsSample,
  StatsStreamParams,
  StopContainerInput,
} from './containers'
import {
  CreateHostInput,
  HostChanged,
  HostIdInput,
  HostSummary,
  ImportCandidates,
  ProbeHostInput,
  ProbeResult,
  ReplaceHostKeyInput,
  TestHostInput,
  TestHostResult,
  UpdateHostInput,
} from './hosts'
import {
  ImagePruneInput,
  JobStarted,
  PullImageInput,
  ImageSummary,
  ImageTarget,
  NetworkPruneInput,
  NetworkSummary,
  NetworkTarget,
  PrunePreview,
  PruneResult,
  RemoveImageInput,
  RemoveVolumeInput,
  ResourcesChanged,
  VolumePruneInput,
  VolumeSummary,
  VolumeTarget,
} from './resources'
import {
  BuildIdInput,
  BuildLog,
  BuildLogBatch,
  BuildLogParams,
  BuildStarted,
  BuildSummary,
  CicdChanged,
  DeployInput,
  DeploymentDetail,
  DeploymentIdInput,
  DeploymentStarted,
  DeploymentSummary,
  MarkNotificationsReadInput,
  NotificationItem,
  NotificationsList,
  NotificationsListInput,
  RollbackInput,
  RollbackPreview,
  ServiceBuildsInput,
  ServiceDeploymentsInput,
  SettingsSummary,
  StartBuildInput,
  UpdateSettingsInput,
} from './cicd'
import { JobIdInput, JobLogBatch, JobLogParams, JobsChanged, JobsListInput, JobSummary } from './jobs'
import { CreateRegistryInput, RegistriesChanged, RegistryIdInput, RegistrySummary } from './registries'
import {
  AdoptableGroup,
  AdoptInput,
  ComposeExport,
  ComposeImportInput,
  ComposeImportResult,
  CreateProjectInput,
  CreateServiceInput,
  ProjectIdInput,
  ProjectJobResult,
  ProjectsChanged,
  ProjectsListInput,
  ProjectSummary,
  RemoveProjectInput,
  RemoveServiceInput,
  ServiceIdInput,
  ServiceLogsInput,
  ServiceStartResult,
  ServiceSummary,
  StopServiceInput,
  UpdateServiceInput,
} from './projects'

export const Role = z.enum(ROLES)
export type Role = z.infer<typeof Role>

const Empty = z.object({}).strict()
const HostIdOnly = z.object({ hostId: EntityId }).strict()

export const SystemInfo = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  dataDir: z.string(),
  mode: z.enum(['desktop', 'headless']),
  /** Every host's reachability and engine version. */
  hosts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      state: z.string(),
      dockerVersion: z.string().nullable(),
      failure: z.string().nullable(),
    }),
  ),
})
export type SystemInfo = z.infer<typeof SystemInfo>

/** Who the caller is, so the UI can offer only what the caller's role allows. */
export const SessionInfo = z.object({ role: Role, actor: z.string() })
export type SessionInfo = z.infer<typeof SessionInfo>

export const TokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
})
export type TokenSummary = z.infer<typeof TokenSummary>

export const TokenName = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(64, 'Name must be at most 64 characters')
  .regex(/^[\p{L}\p{N} ._@:/-]+$/u, 'Name may contain letters, digits, spaces and . _ @ : / -')

export const CreateTokenInput = z.object({ name: TokenName, role: Role }).strict()
export type CreateTokenInput = z.infer<typeof CreateTokenInput>

export const CreatedToken = TokenSummary.extend({ token: z.string() })
export type CreatedToken = z.infer<typeof CreatedToken>

export const TokenId = z.string().regex(/^[a-z0-9]{12}$/, 'Not a token id')
export const RevokeTokenInput = z.object({ id: TokenId }).strict()

export const SecretsStatus = z.object({
  backend: z.string(),
  /** False when the OS offers no real keychain (Electron's `basic_text`): secrets would be obfuscated only. */
  secure: z.boolean(),
  consentRequired: z.boolean(),
  consented: z.boolean(),
})
export type SecretsStatus = z.infer<typeof SecretsStatus>

export const SecretsConsentInput = z.object({ accept: z.literal(true) }).strict()

interface RequestSpec {
  input: z.ZodType
  output: z.ZodType
  permission: Permission
}

/** Every request the renderer or an automation client can make. One entry, one handler. */
export const requests = {
  'system.info': { input: Empty, output: SystemInfo, permission: 'read' },
  'session.info': { input: Empty, output: SessionInfo, permission: 'read' },
  'tokens.list': { input: Empty, output: z.array(TokenSummary), permission: 'admin' },
  'tokens.create': { input: CreateTokenInput, output: CreatedToken, permission: 'admin' },
  'tokens.revoke': { input: RevokeTokenInput, output: Empty, permission: 'admin' },
  'secrets.status': { input: Empty, output: SecretsStatus, permission: 'read' },
  'secrets.consent': { input: SecretsConsentInput, output: SecretsStatus, permission: 'admin' },
  'hosts.list': { input: Empty, output: z.array(HostSummary), permission: 'read' },
  'hosts.get': { input: HostIdInput, output: HostSummary, permission: 'read' },
  'hosts.probe': { input: ProbeHostInput, output: ProbeResult, permission: 'admin' },
  'hosts.create': { input: CreateHostInput, output: HostSummary, permission: 'admin' },
  'hosts.remove': { input: HostIdInput, output: Empty, permission: 'admin' },
  'hosts.replaceHostKey': { input: ReplaceHostKeyInput, output: HostSummary, permission: 'admin' },
  'hosts.importCandidates': { input: Empty, output: ImportCandidates, permission: 'admin' },
  'containers.list': { input: HostIdOnly, output: z.array(ContainerSummary), permission: 'read' },
  'containers.inspect': { input: ContainerTarget, output: z.record(z.string(), z.unknown()), permission: 'read' },
  'containers.start': { input: ContainerTarget, output: Empty, permission: 'operate' },
  'containers.stop': { input: StopContainerInput, output: Empty, permission: 'operate' },
  'containers.restart': { input: StopContainerInput, output: Empty, permission: 'operate' },
  'containers.remove': { input: RemoveContainerInput, output: Empty, permission: 'operate' },
  'containers.logs': { input: LogsInput, output: LogsResult, permission: 'read' },
  'containers.stats': { input: ContainerTarget, output: StatsSample, permission: 'read' },
  'hosts.update': { input: UpdateHostInput, output: HostSummary, permission: 'admin' },
  'hosts.test': { input: TestHostInput, output: TestHostResult, permission: 'admin' },
  // Trying a host's link again changes no setting: lifecycle work, like restarting a container.
  'hosts.retry': { input: HostIdInput, output: HostSummary, permission: 'operate' },
  'containers.kill': { input: KillContainerInput, output: Empty, permission: 'operate' },
  'containers.pause': { input: ContainerTarget, output: Empty, permission: 'operate' },
  'containers.unpause': { input: ContainerTarget, output: Empty, permission: 'operate' },
  'images.list': { input: HostIdOnly, output: z.array(ImageSummary), permission: 'read' },
  'images.inspect': { input: ImageTarget, output: z.record(z.string(), z.unknown()), permission: 'read' },
  'images.remove': { input: RemoveImageInput, output: Empty, permission: 'operate' },
  'images.prunePreview': { input: ImagePruneInput, output: PrunePreview, permission: 'read' },
  'images.prune': { input: ImagePruneInput, output: PruneResult, permission: 'operate' },
  'images.pull': { input: PullImageInput, output: JobStarted, permission: 'operate' },
  'volumes.list': { input: HostIdOnly, output: z.array(VolumeSummary), permission: 'read' },
  'volumes.inspect': { input: VolumeTarget, output: z.record(z.string(), z.unknown()), permission: 'read' },
  'volumes.remove': { input: RemoveVolumeInput, output: Empty, permission: 'operate' },
  'volumes.prunePreview': { input: VolumePruneInput, output: PrunePreview, permission: 'read' },
  'volumes.prune': { input: VolumePruneInput, output: PruneResult, permission: 'operate' },
  'networks.list': { input: HostIdOnly, output: z.array(NetworkSummary), permission: 'read' },
  'networks.inspect': { input: NetworkTarget, output: z.record(z.string(), z.unknown()), permission: 'read' },
  'networks.remove': { input: NetworkTarget, output: Empty, permission: 'operate' },
  'networks.prunePreview': { input: NetworkPruneInput, output: PrunePreview, permission: 'read' },
  'networks.prune': { input: NetworkPruneInput, output: PruneResult, permission: 'operate' },
  'jobs.list': { input: JobsListInput, output: z.array(JobSummary), permission: 'read' },
  'jobs.get': { input: JobIdInput, output: JobSummary, permission: 'read' },
  'jobs.cancel': { input: JobIdInput, output: JobSummary, permission: 'operate' },
  'registries.list': { input: Empty, output: z.array(RegistrySummary), permission: 'read' },
  'registries.create': { input: CreateRegistryInput, output: RegistrySummary, permission: 'admin' },
  'registries.remove': { input: RegistryIdInput, output: Empty, permission: 'admin' },
  'projects.list': { input: ProjectsListInput, output: z.array(ProjectSummary), permission: 'read' },
  'projects.get': { input: ProjectIdInput, output: ProjectSummary, permission: 'read' },
  'projects.create': { input: CreateProjectInput, output: ProjectSummary, permission: 'operate' },
  'projects.remove': { input: RemoveProjectInput, output: Empty, permission: 'operate' },
  'projects.start': { input: ProjectIdInput, output: ProjectJobResult, permission: 'operate' },
  'projects.stop': { input: ProjectIdInput, output: Empty, permission: 'operate' },
  'projects.services': { input: ProjectIdInput, output: z.array(ServiceSummary), permission: 'read' },
  // Bind mounts in a spec need admin (they hand host files to a container); the service checks that per field.
  'projects.composeImport': { input: ComposeImportInput, output: ComposeImportResult, permission: 'operate' },
  'projects.composeExport': { input: ProjectIdInput, output: ComposeExport, permission: 'read' },
  'projects.adopt': { input: AdoptInput, output: z.array(ServiceSummary), permission: 'operate' },
  'hosts.adoptable': { input: HostIdOnly, output: z.array(AdoptableGroup), permission: 'read' },
  'services.create': { input: CreateServiceInput, output: ServiceSummary, permission: 'operate' },
  'services.get': { input: ServiceIdInput, output: ServiceSummary, permission: 'read' },
  'services.update': { input: UpdateServiceInput, output: ServiceSummary, permission: 'operate' },
  'services.remove': { input: RemoveServiceInput, output: Empty, permission: 'operate' },
  'services.start': { input: ServiceIdInput, output: ServiceStartResult, permission: 'operate' },
  'services.stop': { input: StopServiceInput, output: Empty, permission: 'operate' },
  'services.restart': { input: StopServiceInput, output: Empty, permission: 'operate' },
  'services.logs': { input: ServiceLogsInput, output: LogsResult, permission: 'read' },
  'cicd.build': { input: StartBuildInput, output: BuildStarted, permission: 'operate' },
  'cicd.builds': { input: ServiceBuildsInput, output: z.array(BuildSummary), permission: 'read' },
  'cicd.buildGet': { input: BuildIdInput, output: BuildSummary, permission: 'read' },
  'cicd.buildLogs': { input: BuildIdInput, output: BuildLog, permission: 'read' },
  'cicd.deploy': { input: DeployInput, output: DeploymentStarted, permission: 'operate' },
  'cicd.rollback': { input: RollbackInput, output: DeploymentStarted, permission: 'operate' },
  'cicd.rollbackPreview': { input: RollbackInput, output: RollbackPreview, permission: 'read' },
  'cicd.deployments': { input: ServiceDeploymentsInput, output: z.array(DeploymentSummary), permission: 'read' },
  'cicd.deploymentGet': { input: DeploymentIdInput, output: DeploymentDetail, permission: 'read' },
  'settings.get': { input: Empty, output: SettingsSummary, permission: 'read' },
  // The webhook secret and the git key decide what gets built and deployed: admin only.
  'settings.update': { input: UpdateSettingsInput, output: SettingsSummary, permission: 'admin' },
  'notifications.list': { input: NotificationsListInput, output: NotificationsList, permission: 'read' },
  'notifications.markRead': { input: MarkNotificationsReadInput, output: Empty, permission: 'read' },
  'routes.list': { input: ListRoutesInput, output: z.array(RouteSummary), permission: 'read' },
  'routes.get': { input: RouteIdInput, output: RouteSummary, permission: 'read' },
  // A route publishes a service to the network: an operator's decision, like starting it.
  'routes.create': { input: CreateRouteInput, output: RouteSummary, permission: 'operate' },
  'routes.remove': { input: RouteIdInput, output: Empty, permission: 'operate' },
  'proxy.get': { input: ProxyHostInput, output: ProxyState, permission: 'read' },
  'proxy.apply': { input: ProxyHostInput, output: ProxyState, permission: 'operate' },
  'proxy.preview': { input: PreviewProxyInput, output: ProxyPreview, permission: 'operate' },
  'certs.list': { input: Empty, output: z.array(CertSummary), permission: 'read' },
  'certs.status': { input: CertDomainInput, output: CertSummary, permission: 'read' },
  'certs.issue': { input: CertDomainInput, output: CertJobStarted, permission: 'operate' },
  'certs.renew': { input: CertDomainInput, output: CertJobStarted, permission: 'operate' },
} as const satisfies Record<RequestMethod, RequestSpec>

interface EventSpec {
  payload: z.ZodType
  permission: Permission
}

/** Pushes from the core. A payload says what changed; clients refetch what they show. */
export const events = {
  'tokens.changed': { payload: z.object({}), permission: 'admin' },
  'secrets.changed': { payload: SecretsStatus, permission: 'read' },
  'hosts.changed': { payload: HostChanged, permission: 'read' },
  'containers.changed': { payload: ContainersChanged, permission: 'read' },
  'resources.changed': { payload: ResourcesChanged, permission: 'read' },
  'jobs.changed': { payload: JobsChanged, permission: 'read' },
  'registries.changed': { payload: RegistriesChanged, permission: 'read' },
  'projects.changed': { payload: ProjectsChanged, permission: 'read' },
  'cicd.changed': { payload: CicdChanged, permission: 'read' },
  'notifications.new': { payload: NotificationItem, permission: 'read' },
  'routes.changed': { payload: RoutesChanged, permission: 'read' },
  'proxy.changed': { payload: ProxyChanged, permission: 'read' },
  'certs.changed': { payload: CertsChanged, permission: 'read' },
} as const satisfies Record<EventName, EventSpec>

interface StreamSpec {
  params: z.ZodType
  data: z.ZodType
  /** What the client may send into an open stream (terminal keystrokes); `null` when nothing. */
  input: z.ZodType | null
  permission: Permission
}

export const streams = {
  'containers.logs': { params: LogStreamParams, data: LogBatch, input: null, permission: 'read' },
  'containers.stats': { params: StatsStreamParams, data: StatsSample, input: null, permission: 'read' },
  // An interactive shell in a container is as powerful as the engine itself: admin only.
  'containers.exec': { params: ExecParams, data: ExecOutput, input: ExecInput, permission: 'admin' },
  'hosts.metrics': { params: HostMetricsParams, data: HostMetrics, input: null, permission: 'read' },
  'jobs.log': { params: JobLogParams, data: JobLogBatch, input: null, permission: 'read' },
  'builds.log': { params: BuildLogParams, data: BuildLogBatch, input: null, permission: 'read' },
} as const satisfies Record<StreamName, StreamSpec>

export type RequestInput<M extends RequestMethod> = z.input<(typeof requests)[M]['input']>
export type ParsedInput<M extends RequestMethod> = z.output<(typeof requests)[M]['input']>
export type RequestOutput<M extends RequestMethod> = z.output<(typeof requests)[M]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]['payload']>
export type StreamParams<S extends StreamName> = z.input<(typeof streams)[S]['params']>
export type ParsedStreamParams<S extends StreamName> = z.output<(typeof streams)[S]['params']>
export type StreamData<S extends StreamName> = z.output<(typeof streams)[S]['data']>
export type StreamInput<S extends StreamName> = (typeof streams)[S]['input'] extends z.ZodType
  ? z.output<NonNullable<(typeof streams)[S]['input']>>
  : never

export { ROLES, roleAllows, type Permission }
