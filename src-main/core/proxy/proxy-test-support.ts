import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Dockerode from 'dockerode'
import type { TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { LABELS, projectNetworkName, serviceContainerName } from '../../../src-preload/contract/projects'
import type { ProxySettings } from '../../../src-preload/contract/routes'
import { createLogger } from '../../infra/logging/logger'
import { bundledMigrations } from '../../infra/sqlite/bundled-migrations'
import { openDatabase, type Database } from '../../infra/sqlite/open-database'
import { SshTunnel } from '../../infra/ssh'
import { EventBus } from '../events/event-bus'
import { HostConnections } from '../hosts/host-connections'
import { HostStore, type HostRecord } from '../hosts/host-store'
import { ProjectStore } from '../projects/project-store'
import { newId } from '../shared/ids'
import type { CertificateSource, RouteRecord, RouteSource, ServingCertificate } from '../shared/proxy-ports'
import { ProxyService } from './proxy-service'
import { ProxyStore } from './proxy-store'

/** Helpers for the proxy's integration specs only; production code never imports this. */

export const logger = createLogger({ level: process.env.GLINRDOCK_TEST_LOG ?? 'silent' })
const execFileAsync = promisify(execFile)

/** Our own data (routes and certificates), held in memory: the peers (engine, nginx) are the real ones. */
class MemoryRoutes implements RouteSource {
  readonly routes: RouteRecord[] = []
  routesForHost(hostId: string): RouteRecord[] {
    return this.routes
      .filter((r) => r.hostId === hostId)
      .sort((a, b) => (a.domain === b.domain ? (a.path < b.path ? -1 : 1) : a.domain < b.domain ? -1 : 1))
  }
  hostsForDomain(domain: string): string[] {
    return [...new Set(this.routes.filter((r) => r.domain === domain).map((r) => r.hostId))]
  }
  add(route: Omit<RouteRecord, 'id' | 'createdAt'>): RouteRecord {
    const record = { ...route, id: newId(), createdAt: new Date().toISOString() }
    this.routes.push(record)
    return record
  }
}

class MemoryCertificates implements CertificateSource {
  readonly certs = new Map<string, ServingCertificate>()
  async servingCertificate(domain: string): Promise<ServingCertificate | null> {
    return this.certs.get(domain) ?? null
  }
}

/** A self-signed certificate for `domain` from openssl; `mismatchedKey` pairs it with another key. */
export async function selfSigned(domain: string, serial: string, mismatchedKey = false): Promise<ServingCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-cert-'))
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
    await execFileAsync('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      join(dir, 'a.key'),
      '-out',
      join(dir, 'a.crt'),
      '-days',
      '2',
      '-subj',
      `/CN=${domain}`,
      '-addext',
      `subjectAltName=DNS:${domain}`,
    ])
    if (mismatchedKey)
      await execFileAsync('openssl', [
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-out',
        join(dir, 'b.key'),
      ])
    return {
      domain,
      serial,
      chainPem: readFileSync(join(dir, 'a.crt'), 'utf8'),
      keyPem: readFileSync(join(dir, mismatchedKey ? 'b.key' : 'a.key'), 'utf8'),
      notAfter: new Date(Date.now() + 86_400_000).toISOString(),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function openTestDb(): { db: Database; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gd-proxy-db-'))
  const db = openDatabase(join(dir, 'test.db'), { migrations: bundledMigrations })
  return {
    db,
    close: () => {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function localHost(env: TestbedEnv, id = newId()): HostRecord {
  return {
    id,
    name: `local-${id}`,
    kind: 'local',
    socketPath: env.dockerSocket,
    labels: {},
    ssh: null,
    proxy: { image: null, httpPort: null, httpsPort: null },
    createdAt: new Date().toISOString(),
  }
}

/** The test bed's sshd: its socket path exists only inside sshd's mount namespace, so this goes through SSH. */
export function sshHost(env: TestbedEnv, id = newId()): HostRecord {
  return {
    ...localHost(env, id),
    name: `ssh-${id}`,
    kind: 'ssh',
    socketPath: env.remoteSocketPath,
    ssh: {
      host: env.sshHost,
      port: env.sshPort,
      username: env.sshUser,
      auth: 'privateKeyPath',
      privateKeyPath: env.clientKey,
      sealedSecret: null,
      sealedPassphrase: null,
      hostKeyType: 'ssh-ed25519',
      hostKeyFingerprint: env.hostKeyFingerprint,
    },
  }
}

function insertHost(db: Database, host: HostRecord): void {
  new HostStore(db).insert(host)
}

function testConnections(env: TestbedEnv, events: EventBus): HostConnections {
  return new HostConnections(
    async (host) =>
      new SshTunnel({
        target: {
          host: host.ssh!.host,
          port: host.ssh!.port,
          username: host.ssh!.username,
          auth: { kind: 'key', privateKey: readFileSync(env.clientKey, 'utf8') },
        },
        pinnedFingerprint: host.ssh!.hostKeyFingerprint,
        pinnedKeyType: host.ssh!.hostKeyType,
        remoteSocketPath: host.socketPath,
        logger,
      }),
    events,
    logger,
  )
}

/** A project and a service in the store, the way the projects domain stores them. */
export function insertService(projects: ProjectStore, hostId: string, project: string, service: string) {
  const at = new Date().toISOString()
  const projectId = newId()
  projects.insertProject({ id: projectId, hostId, name: project, createdAt: at })
  const serviceId = newId()
  projects.insertServices([
    {
      id: serviceId,
      projectId,
      name: service,
      spec: { name: service } as never,
      sealedEnv: '',
      specHash: 'x',
      origin: 'created',
      desiredState: 'running',
      containerId: null,
      appliedHash: null,
      release: null,
      createdAt: at,
      updatedAt: at,
    },
  ])
  return {
    projectId,
    serviceId,
    network: projectNetworkName(project),
    containerName: serviceContainerName(project, service),
  }
}

/** A busybox httpd on 8080 of the project network that answers `body`, labelled as the projects domain labels. */
export async function runService(
  docker: Dockerode,
  env: TestbedEnv,
  o: { name: string; network: string; serviceId: string; body: string; run: string },
): Promise<string> {
  const container = await docker.createContainer({
    name: o.name,
    Image: env.busyboxImage,
    // A fixed script; the body arrives as an environment value, never inside the script.
    Cmd: ['sh', '-c', 'mkdir -p /www && echo "$BODY" > /www/index.html && exec httpd -f -p 8080 -h /www'],
    Env: [`BODY=${o.body}`],
    Labels: { [LABELS.service]: o.serviceId, 'glinrdock-test.run': o.run },
    HostConfig: { NetworkMode: o.network },
    StopSignal: 'SIGKILL',
  })
  await container.start()
  return container.id
}

export async function ensureNetwork(docker: Dockerode, name: string, run: string): Promise<void> {
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { 'glinrdock-test.run': run },
  })
}

/** Removes what a spec made: its containers and networks by the run label, the proxy and its volumes by name. */
export async function cleanup(docker: Dockerode, run: string, proxyName: string): Promise<void> {
  const filters = { label: [`glinrdock-test.run=${run}`] }
  for (const info of await docker.listContainers({ all: true, filters }))
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined)
  await docker
    .getContainer(proxyName)
    .remove({ force: true })
    .catch(() => undefined)
  for (const suffix of ['conf', 'certs', 'acme', 'logs'])
    await docker
      .getVolume(`${proxyName}-${suffix}`)
      .remove()
      .catch(() => undefined)
  const networks = await docker.listNetworks({ filters })
  for (const network of [...networks.map((n) => n.Name), proxyName])
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined)
}

export interface ProxyFixture {
  db: Database
  events: EventBus
  connections: HostConnections
  projects: ProjectStore
  routes: MemoryRoutes
  certs: MemoryCertificates
  store: ProxyStore
  proxy: ProxyService
  settings: { current: ProxySettings }
  close(): void
}

export function proxyFixture(
  env: TestbedEnv,
  o: { containerName: string; settings: ProxySettings; host: HostRecord; accessLogCapBytes?: number },
): ProxyFixture {
  const { db, close } = openTestDb()
  insertHost(db, o.host)
  const events = new EventBus()
  const connections = testConnections(env, events)
  connections.open(o.host)
  const projects = new ProjectStore(db)
  const routes = new MemoryRoutes()
  const certs = new MemoryCertificates()
  const store = new ProxyStore(db)
  const settings = { current: o.settings }
  const proxy = new ProxyService({
    store,
    connections,
    settings: { proxySettings: () => settings.current },
    routes,
    projects,
    events,
    logger,
    containerName: o.containerName,
    bindAddress: '127.0.0.1',
    accessLogCapBytes: o.accessLogCapBytes,
  })
  proxy.connectCertificates(certs)
  return {
    db,
    events,
    connections,
    projects,
    routes,
    certs,
    store,
    proxy,
    settings,
    close: () => {
      proxy.dispose()
      connections.dispose()
      close()
    },
  }
}

/** One GET through the proxy's published port with a Host header; a fresh connection each time. */
export function get(port: number, host: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { Host: host }, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').trim() }))
    })
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}
