import { mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { version } from '../package.json'
import { EventBus } from './core/events/event-bus'
import {
  ContainerService,
  ContainersWatcher,
  openExecSession,
  openHostMetricsStream,
  openLogStream,
  openStatsStream,
} from './core/containers'
import { ImageService, NetworkService, ResourcesWatcher, VolumeService } from './core/resources'
import { defaultLocalSocket, HostConnections, HostService, HostStore, tunnelOpener } from './core/hosts'
import { JobRunner, openJobLogStream } from './core/jobs'
import {
  enqueueImagePull,
  ImagePullService,
  registerImagePullJob,
  RegistryService,
  RegistryStore,
} from './core/registries'
import {
  ProjectImport,
  ProjectService,
  ProjectStore,
  ServiceEnv,
  ServiceLifecycle,
  ServiceReconciler,
  ServiceStatusTracker,
} from './core/projects'
import { Dispatcher, type Handlers, type StreamHandlers } from './core/rpc/dispatcher'
import { SecretsService } from './core/secrets/secrets-service'
import { SettingsStore } from './core/settings/settings-store'
import { SettingsService } from './core/settings/settings-service'
import {
  HealthWatcher,
  NO_DESKTOP,
  NotificationService,
  NotificationStore,
  type DesktopNotifier,
} from './core/notifications'
import { BranchPoller, pollIntervalOverrideFromEnv, PollStateStore } from './core/polling'
import { DeliveryStore, GithubWebhookService, gitServiceTargets } from './core/webhooks'
import { lsRemote } from './core/git'
import { BuildLogs, BuildService, BuildStore, openBuildLogStream } from './core/builds'
import type { BuildStarter } from './core/shared/cicd-ports'
import { SystemService } from './core/system/system-service'
import { TokenService, TokenStore } from './core/tokens'
import { DEFAULT_STABLE_SECONDS, DeploymentStore, DeployService } from './core/deploys'
import { RouteService, RouteStore } from './core/routes'
import { ProxyService, ProxyStore } from './core/proxy'
import { CertService, CertStore } from './core/certs'
import { routingEnv } from './routing-env'
import { scoped, type Logger } from './infra/logging/logger'
import { bundledMigrations } from './infra/sqlite/bundled-migrations'
import { openDatabase, type Database } from './infra/sqlite/open-database'
import { DataKeyStore } from './infra/secrets/data-key-store'
import type { KeyWrapper } from './infra/secrets/key-wrapper'
import { SecretBox } from './infra/secrets/secret-box'

export const APP_VERSION: string = version

/** How long start-up waits for saved hosts to dial: unsealing a key takes milliseconds, a keychain prompt may not. */
const DIAL_WAIT_MS = 500

export interface CoreOptions {
  dataDir: string
  mode: 'desktop' | 'headless'
  logger: Logger
  /** Built once the data dir exists: safeStorage in the desktop app, a key file in headless mode. */
  keyWrapper: (dataDir: string) => Promise<KeyWrapper> | KeyWrapper
  nativeBinding?: string
  /** Defaults to the process environment; tests point HOME-relative files (known_hosts, ssh config) elsewhere. */
  env?: NodeJS.ProcessEnv
  /** The desktop shell's notifications, badge and tray (Electron); headless mode shows none. */
  desktopNotifier?: DesktopNotifier
  /** Replaces every followed branch's poll interval (specs; the contract's minimum is 15 s). */
  pollIntervalMsOverride?: number
}

export interface Core {
  dispatcher: Dispatcher
  events: EventBus
  tokens: TokenService
  system: SystemService
  secrets: SecretsService
  secretBox: SecretBox
  hosts: HostService
  containers: ContainerService
  db: Database
  /** The one job runner every long operation runs on. */
  jobs: JobRunner
  registries: RegistryService
  /** `pullImage(hostId, reference, {signal, onProgress})`, with the stored registry logins; for job handlers. */
  imagePulls: ImagePullService
  projects: ProjectService
  services: ServiceLifecycle
  settings: SettingsService
  notifications: NotificationService
  /** `POST /v1/webhooks/github`, outside the contract (the signature is its credential). */
  webhooks: GithubWebhookService
  poller: BranchPoller
  dispose(): void
}

interface Services {
  system: SystemService
  tokens: TokenService
  secrets: SecretsService
  hosts: HostService
  containers: ContainerService
  images: ImageService
  volumes: VolumeService
  networks: NetworkService
  jobs: JobRunner
  registries: RegistryService
  projects: ProjectService
  lifecycle: ServiceLifecycle
  imports: ProjectImport
  settings: SettingsService
  notifications: NotificationService
  deploys: DeployService
  builds: BuildService
  routes: RouteService
  proxy: ProxyService
  certs: CertService
}

/** Binds every contract request to exactly one core service call. */
export function createHandlers(services: Services): Handlers {
  const { system, tokens, secrets, hosts, containers, images, volumes, networks, jobs, registries } = services
  const { projects, lifecycle, imports } = services
  return {
    'system.info': () => system.info(),
    'session.info': (_input, ctx) => ({ role: ctx.role, actor: ctx.actor }),
    'tokens.list': () => tokens.list(),
    'tokens.create': (input) => tokens.create(input),
    'tokens.revoke': ({ id }) => {
      tokens.revoke(id)
      return {}
    },
    'secrets.status': () => secrets.status(),
    'secrets.consent': () => secrets.consent(),
    'hosts.list': () => hosts.list(),
    'hosts.get': ({ id }) => hosts.get(id),
    'hosts.probe': ({ ssh }) => hosts.probe(ssh.host, ssh.port),
    'hosts.create': (input) => hosts.create(input),
    'hosts.remove': ({ id }) => {
      hosts.remove(id)
      return {}
    },
    'hosts.replaceHostKey': ({ id, hostKeyFingerprint }) => hosts.replaceHostKey(id, hostKeyFingerprint),
    'hosts.importCandidates': () => hosts.importCandidates(),
    'containers.list': ({ hostId }) => containers.list(hostId),
    'containers.inspect': ({ hostId, containerId }) => containers.inspect(hostId, containerId),
    'containers.start': ({ hostId, containerId }) => containers.start(hostId, containerId).then(() => ({})),
    'containers.stop': ({ hostId, containerId, timeoutSeconds }) =>
      containers.stop(hostId, containerId, timeoutSeconds).then(() => ({})),
    'containers.restart': ({ hostId, containerId, timeoutSeconds }) =>
      containers.restart(hostId, containerId, timeoutSeconds).then(() => ({})),
    'containers.remove': ({ hostId, containerId, force }) =>
      containers.remove(hostId, containerId, force).then(() => ({})),
    'containers.logs': ({ hostId, containerId, ...query }) => containers.logs(hostId, containerId, query),
    'containers.stats': ({ hostId, containerId }) => containers.stats(hostId, containerId),
    'containers.kill': ({ hostId, containerId, signal }) =>
      containers.kill(hostId, containerId, signal).then(() => ({})),
    'containers.pause': ({ hostId, containerId }) => containers.pause(hostId, containerId).then(() => ({})),
    'containers.unpause': ({ hostId, containerId }) => containers.unpause(hostId, containerId).then(() => ({})),
    'images.list': ({ hostId }) => images.list(hostId),
    'images.inspect': ({ hostId, imageId }) => images.inspect(hostId, imageId),
    'images.remove': ({ hostId, imageId, force }) => images.remove(hostId, imageId, force).then(() => ({})),
    'images.prunePreview': ({ hostId, ...query }) => images.prunePreview(hostId, query),
    'images.prune': ({ hostId, ...query }) => images.prune(hostId, query),
    'images.pull': ({ hostId, reference }) => enqueueImagePull(jobs, hostId, reference),
    'volumes.list': ({ hostId }) => volumes.list(hostId),
    'volumes.inspect': ({ hostId, name }) => volumes.inspect(hostId, name),
    'volumes.remove': ({ hostId, name, force }) => volumes.remove(hostId, name, force).then(() => ({})),
    'volumes.prunePreview': ({ hostId, ...query }) => volumes.prunePreview(hostId, query),
    'volumes.prune': ({ hostId, ...query }) => volumes.prune(hostId, query),
    'networks.list': ({ hostId }) => networks.list(hostId),
    'networks.inspect': ({ hostId, networkId }) => networks.inspect(hostId, networkId),
    'networks.remove': ({ hostId, networkId }) => networks.remove(hostId, networkId).then(() => ({})),
    'networks.prunePreview': ({ hostId, ...query }) => networks.prunePreview(hostId, query),
    'networks.prune': ({ hostId, ...query }) => networks.prune(hostId, query),
    'hosts.update': (input) => hosts.update(input),
    'hosts.test': (input) => hosts.test(input),
    'hosts.retry': ({ id }) => hosts.retry(id),
    'jobs.list': (filter) => jobs.list(filter),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'registries.list': () => registries.list(),
    'registries.create': (input) => registries.create(input),
    'registries.remove': ({ id }) => {
      registries.remove(id)
      return {}
    },
    'projects.list': ({ hostId }) => projects.list(hostId),
    'projects.get': ({ id }) => projects.getProject(id),
    'projects.create': (input) => projects.create(input),
    'projects.remove': ({ id, force, volumes }) => lifecycle.removeProject(id, force, volumes).then(() => ({})),
    'projects.start': ({ id }) => lifecycle.deployProject(id),
    'projects.stop': ({ id }) => lifecycle.stopProject(id).then(() => ({})),
    'projects.services': ({ id }) => projects.services(id),
    'projects.composeImport': (input, ctx) => imports.composeImport(input, ctx.role),
    'projects.composeExport': ({ id }) => imports.composeExport(id),
    'projects.adopt': ({ projectId, containerIds }, ctx) => imports.adopt(projectId, containerIds, ctx.role),
    'hosts.adoptable': ({ hostId }) => imports.adoptable(hostId),
    'services.create': (input, ctx) => projects.createService(input, ctx.role),
    'services.get': ({ id }) => projects.getService(id),
    'services.update': (input, ctx) => projects.updateService(input, ctx.role),
    'services.remove': ({ id, volumes }) => lifecycle.removeService(id, volumes).then(() => ({})),
    'services.start': ({ id }) => lifecycle.start(id),
    'services.stop': ({ id, timeoutSeconds }) => lifecycle.stop(id, timeoutSeconds).then(() => ({})),
    'services.restart': ({ id, timeoutSeconds }) => lifecycle.restart(id, timeoutSeconds).then(() => ({})),
    'services.logs': ({ id, ...query }) => lifecycle.logs(id, query),
    // --- builds (core/builds) ---
    'cicd.build': ({ serviceId, ref, deploy, rebuild }) =>
      services.builds.startBuild({ serviceId, ref, deploy, trigger: rebuild ? 'rebuild' : 'manual' }),
    'cicd.builds': ({ serviceId, limit }) => services.builds.list(serviceId, limit),
    'cicd.buildGet': ({ id }) => services.builds.get(id),
    'cicd.buildLogs': ({ id }) => services.builds.logs(id),
    // --- deploys (core/deploys) ---
    'cicd.deploy': ({ serviceId, imageTag }) => services.deploys.deploy(serviceId, imageTag),
    'cicd.rollback': ({ serviceId, deploymentId }) => services.deploys.rollback(serviceId, deploymentId),
    'cicd.rollbackPreview': ({ serviceId, deploymentId }) => services.deploys.rollbackPreview(serviceId, deploymentId),
    'cicd.deployments': ({ serviceId, limit }) => services.deploys.list(serviceId, limit),
    'cicd.deploymentGet': ({ id }) => services.deploys.get(id),
    // --- settings and notifications (core/settings, core/notifications) ---
    'settings.get': () => services.settings.get(),
    'settings.update': (input) => services.settings.update(input),
    'notifications.list': ({ limit }) => services.notifications.list(limit),
    'notifications.markRead': (input) => {
      services.notifications.markRead(input)
      return {}
    },
    // --- routes, proxy, certificates (core/routes, core/proxy, core/certs) ---
    'routes.list': (filter) => services.routes.list(filter),
    'routes.get': ({ id }) => services.routes.get(id),
    'routes.create': (input) => services.routes.create(input),
    'routes.remove': ({ id }) => services.routes.remove(id).then(() => ({})),
    'proxy.get': ({ hostId }) => services.proxy.state(hostId),
    'proxy.apply': ({ hostId }) => services.proxy.apply(hostId),
    // The routes domain turns the route to add into the proxy's record (its service checked, on this host).
    'proxy.preview': (input) => services.routes.preview(input),
    'certs.list': () => services.certs.list(),
    'certs.status': ({ domain }) => services.certs.status(domain),
    'certs.issue': ({ domain }) => services.certs.issue(domain),
    'certs.renew': ({ domain }) => services.certs.renew(domain),
  }
}

export function createStreamHandlers(services: Services, connections: HostConnections): StreamHandlers {
  const { containers } = services
  return {
    'containers.logs': (params, _ctx, sink) => openLogStream(connections, params, sink),
    'containers.stats': (params, _ctx, sink) => openStatsStream(connections, params, sink),
    'containers.exec': (params, _ctx, sink) => openExecSession(containers, params, sink),
    'hosts.metrics': ({ hostId }, _ctx, sink) => openHostMetricsStream(containers, hostId, sink),
    'jobs.log': ({ jobId }, _ctx, sink) => openJobLogStream(services.jobs, jobId, sink),
    'builds.log': ({ buildId }, _ctx, sink) => openBuildLogStream(services.builds, buildId, sink),
  }
}

/**
 * How long a new container without a health check must keep running to pass a deployment's gate: an operator's
 * (and the test bed's) setting in the environment, never a request's.
 */
function stableSeconds(env: NodeJS.ProcessEnv): number {
  const value = Number(env.GLINRDOCK_DEPLOY_STABLE_SECONDS)
  return Number.isFinite(value) && value >= 0 && value <= 600 ? value : DEFAULT_STABLE_SECONDS
}

/** The composition root: the one place that builds the object graph, with plain constructors. */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
  const db = openDatabase(join(options.dataDir, 'glinrdock.db'), {
    migrations: bundledMigrations,
    nativeBinding: options.nativeBinding,
  })
  try {
    const eventsLog = scoped(options.logger, 'events')
    const events = new EventBus((err, event) => eventsLog.error({ err, event }, 'event listener failed'))
    const settings = new SettingsStore(db)
    const wrapper = await options.keyWrapper(options.dataDir)
    const secrets = new SecretsService(wrapper, settings, events)
    const secretBox = new SecretBox(wrapper, new DataKeyStore(db), secrets.hasConsent)
    if (!wrapper.secure) {
      options.logger.warn(
        { scope: 'secrets', backend: wrapper.backend },
        'no OS keychain: secrets are stored only after the user consents in Settings',
      )
    }
    const tokens = new TokenService(new TokenStore(db), events)
    const system = new SystemService(APP_VERSION, options.dataDir, options.mode, () =>
      hosts.list().map((host) => ({
        id: host.id,
        name: host.name,
        state: host.state,
        dockerVersion: host.engine?.version ?? null,
        failure: host.failure ? `${host.failure.code}: ${host.failure.message}` : null,
      })),
    )
    const env = options.env ?? process.env
    // Before anything starts: a wrong operator setting stops the start with its name.
    const routing = routingEnv(env)
    const home = env.HOME ?? homedir()
    const connections = new HostConnections(
      tunnelOpener(secretBox, env, options.logger),
      events,
      scoped(options.logger, 'hosts'),
    )
    const hostStore = new HostStore(db)
    const hosts = new HostService(hostStore, connections, secretBox, events, {
      knownHostsPath: join(home, '.ssh', 'known_hosts'),
      importSources: { sshConfigPath: join(home, '.ssh', 'config'), dockerContextsDir: join(home, '.docker') },
      defaultLocalSocket: defaultLocalSocket(env),
      env,
      logger: scoped(options.logger, 'hosts'),
    })
    const containers = new ContainerService(connections)
    const watcher = new ContainersWatcher(connections, containers, events, scoped(options.logger, 'containers'))
    const resourcesWatcher = new ResourcesWatcher(connections, events)
    // Domains register their job kinds on it before `start()`, which settles what a dead process left running.
    const jobs = new JobRunner(db, events, scoped(options.logger, 'jobs'))
    const registries = new RegistryService(new RegistryStore(db), secretBox, events)
    const imagePulls = new ImagePullService(connections, registries, scoped(options.logger, 'images'))
    registerImagePullJob(jobs, imagePulls)
    const projectStore = new ProjectStore(db)
    const serviceEnv = new ServiceEnv(secretBox)
    const projectsLog = scoped(options.logger, 'projects')
    const tracker = new ServiceStatusTracker(
      connections,
      projectStore,
      (ids) => ids.forEach((id) => void projects.announce(id)),
      projectsLog,
    )
    const projects = new ProjectService(projectStore, hosts, serviceEnv, tracker, events)
    const reconciler = new ServiceReconciler(projectStore, connections, imagePulls, serviceEnv, projectsLog)
    const lifecycle = new ServiceLifecycle(projects, reconciler, containers, tracker, jobs)
    lifecycle.registerJobs()
    // --- builds (core/builds) ---
    const buildsDir = join(options.dataDir, 'builds')
    const builds = new BuildService({
      store: new BuildStore(db),
      logs: new BuildLogs(buildsDir),
      projects,
      connections,
      jobs,
      events,
      workDir: join(buildsDir, 'work'),
      logger: scoped(options.logger, 'builds'),
    })
    builds.registerJobs()
    // --- deploys (core/deploys) ---
    const deploys = new DeployService(
      {
        store: new DeploymentStore(db),
        projects,
        projectStore,
        reconciler,
        env: serviceEnv,
        box: secretBox,
        tracker,
        jobs,
        events,
        log: scoped(options.logger, 'deploys'),
      },
      // Settings are built further down; the count is read at each prune and list, long after.
      {
        stableMs: stableSeconds(env) * 1000,
        drainMs: routing.drainMs,
        protectedDeployments: () => settingsService.protectedDeployments(),
      },
    )
    deploys.registerJobs()
    // --- settings, webhooks, polling, notifications (core/settings, core/webhooks, core/notifications) ---
    const settingsService = new SettingsService(settings, secretBox)
    const notifications = new NotificationService({
      store: new NotificationStore(db),
      preferences: () => settingsService.notificationPreferences(),
      events,
      desktop: options.desktopNotifier ?? NO_DESKTOP,
      logger: scoped(options.logger, 'notifications'),
    })
    const healthWatcher = new HealthWatcher(events, notifications.notify)
    deploys.connectNotify(notifications.notify)
    builds.connect({ deployer: deploys, notify: notifications.notify, credentials: settingsService })
    const buildStarter: BuildStarter = { startBuild: (request) => builds.startBuild(request) }
    const pollState = new PollStateStore(db)
    const gitServices = gitServiceTargets(projectStore)
    const webhooks = new GithubWebhookService({
      webhookSecret: () => settingsService.webhookSecret(),
      deliveries: new DeliveryStore(db),
      gitServices,
      builds: buildStarter,
      sawCommit: (service, commit) =>
        pollState.recordCommit(service.id, service.git.url, service.git.ref, commit, new Date()),
      alreadyBuilt: (serviceId, commit) => pollState.hasBuildOf(serviceId, commit, 'usable'),
      logger: scoped(options.logger, 'webhooks'),
    })
    const poller = new BranchPoller({
      targets: gitServices,
      lsRemote,
      credentials: settingsService,
      builds: buildStarter,
      state: pollState,
      logger: scoped(options.logger, 'polling'),
      intervalMsOverride: options.pollIntervalMsOverride ?? pollIntervalOverrideFromEnv(env),
    })
    const stopFollowingEdits = events.on('projects.changed', () => poller.refreshSoon())
    // --- routes, proxy, certificates (core/routes, core/proxy, core/certs) ---
    const routeStore = new RouteStore(db)
    const proxy = new ProxyService({
      store: new ProxyStore(db),
      connections,
      settings: hosts,
      routes: routeStore,
      projects: projectStore,
      events,
      logger: scoped(options.logger, 'proxy'),
      containerName: routing.proxyName,
      bindAddress: routing.proxyBind,
      pullImage: async (hostId, reference, signal) => {
        await imagePulls.pullImage(hostId, reference, { signal })
      },
    })
    const certStore = new CertStore(db)
    const certs = new CertService({
      store: certStore,
      box: secretBox,
      jobs,
      events,
      proxy,
      routes: routeStore,
      tlsDomains: () => routeStore.tlsDomains(),
      acme: () => settingsService.acme(),
      notify: notifications.notify,
      logger: scoped(options.logger, 'certs'),
      caFile: routing.acmeCaFile,
      checkIntervalMs: routing.certCheckMs,
    })
    certs.registerJobs()
    proxy.connectCertificates(certs)
    deploys.connectProxy(proxy)
    const routes = new RouteService({
      store: routeStore,
      projects: projectStore,
      proxy,
      certs,
      // Only each domain's validity window: the rows, not the summaries with their hosts.
      certificates: () => certStore.all(),
      hosts,
      events,
      logger: scoped(options.logger, 'routes'),
    })
    lifecycle.connectNetworkRelease((hostId, network) => proxy.releaseNetwork(hostId, network))
    lifecycle.connectRoutedRedeploy((service) =>
      routeStore.list({ serviceId: service.id }).length > 0 ? deploys.redeploy(service.id) : null,
    )
    const services = {
      system,
      tokens,
      secrets,
      hosts,
      containers,
      images: new ImageService(connections, (hostId) => deploys.protectedImages(hostId)),
      volumes: new VolumeService(connections),
      networks: new NetworkService(connections),
      jobs,
      registries,
      projects,
      lifecycle,
      imports: new ProjectImport(projects, projectStore, containers, reconciler, tracker, projectsLog),
      deploys,
      settings: settingsService,
      notifications,
      builds,
      routes,
      proxy,
      certs,
    }
    const dispatcher = new Dispatcher(
      createHandlers(services),
      createStreamHandlers(services, connections),
      scoped(options.logger, 'rpc'),
    )
    for (const host of hostStore.list()) connections.open(host)
    // The transport's start-up (routes, plugins) holds the event loop for ~150 ms: links dial before it.
    await connections.dialed(DIAL_WAIT_MS)
    if (options.mode === 'desktop') await hosts.offerLocalEngine(settings)
    // Last, so a failed start leaves no timer behind on a closed store.
    jobs.start()
    for (const serviceId of deploys.settleInterrupted()) lifecycle.recover(serviceId)
    poller.start()
    proxy.start()
    certs.start()
    notifications.syncDesktop()

    return {
      dispatcher,
      events,
      tokens,
      system,
      secrets,
      secretBox,
      hosts,
      containers,
      db,
      jobs,
      registries,
      imagePulls,
      projects,
      services: lifecycle,
      settings: settingsService,
      notifications,
      webhooks,
      poller,
      dispose: () => {
        stopFollowingEdits()
        poller.dispose()
        certs.dispose()
        proxy.dispose()
        healthWatcher.dispose()
        // First: running jobs are settled in the store while it is still open.
        jobs.dispose()
        tracker.dispose()
        watcher.dispose()
        resourcesWatcher.dispose()
        connections.dispose()
        db.close()
      },
    }
  } catch (err) {
    db.close()
    throw err
  }
}
