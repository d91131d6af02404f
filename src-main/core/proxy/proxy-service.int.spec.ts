import { randomUUID } from 'node:crypto'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../../../e2e/fixtures/api-client'
import { freePort } from '../../../e2e/fixtures/free-port'
import { startRequestLoop } from '../../../e2e/fixtures/request-loop'
import { testbedEnv } from '../../../e2e/fixtures/testbed-env'
import { nginxImage } from '../../../e2e/fixtures/testbed-proxy'
import { ContainerService, ContainersWatcher } from '../containers'
import { isAppError } from '../shared/app-error'
import type { RouteRecord } from '../shared/proxy-ports'
import { execIn } from './proxy-files'
import {
  cleanup,
  ensureNetwork,
  get,
  insertService,
  localHost,
  logger,
  proxyFixture,
  runService,
  selfSigned,
  type ProxyFixture,
} from './proxy-test-support'
import { servedHash } from './safe-apply'

/**
 * The proxy on the test bed's engine through its local socket: a real nginx container, real busybox services on
 * a project network, requests through the published loopback port.
 */
const env = testbedEnv()
const docker = new Dockerode({ socketPath: env.dockerSocket })
const RUN = randomUUID().replace(/-/g, '').slice(0, 10)
const PROXY = `gd-proxy-local-${RUN}`
const host = localHost(env)
let f: ProxyFixture
let httpPort: number
let svc: ReturnType<typeof insertService>
let route: RouteRecord
const DOMAIN = `app-${RUN}.example.com`
const proxyChanged: string[] = []
/** Small, so a few dozen requests fill a route's access log past it. */
const LOG_CAP_BYTES = 2_000

const proxyContainer = () => docker.getContainer(PROXY)
const body = async (domain = DOMAIN, path = '/') => get(httpPort, domain, path)
/** For waiting on the background re-apply: until it ran, a request may still go to a container that is gone. */
const bodyOrNothing = async () => body().catch(() => ({ status: 0, body: '' }))

beforeAll(async () => {
  httpPort = await freePort()
  let httpsPort = await freePort()
  while (httpsPort === httpPort) httpsPort = await freePort()
  f = proxyFixture(env, {
    containerName: PROXY,
    host,
    settings: { image: nginxImage(env), httpPort, httpsPort },
    accessLogCapBytes: LOG_CAP_BYTES,
  })
  f.events.on('proxy.changed', ({ hostId }) => proxyChanged.push(hostId))
  svc = insertService(f.projects, host.id, `shop${RUN}`, 'web')
  await ensureNetwork(docker, svc.network, RUN)
  await runService(docker, env, {
    name: svc.containerName,
    network: svc.network,
    serviceId: svc.serviceId,
    body: 'v1',
    run: RUN,
  })
  route = f.routes.add({
    hostId: host.id,
    projectId: svc.projectId,
    serviceId: svc.serviceId,
    domain: DOMAIN,
    path: '/',
    port: 8080,
    tls: false,
  })
})

afterAll(async () => {
  f?.close()
  await cleanup(docker, RUN, PROXY)
})

describe('ProxyService on the local engine', () => {
  it('tests a configuration before the host has a proxy without creating one or binding a port', async () => {
    const listed = async () =>
      (await docker.listContainers({ all: true, filters: { label: [`io.glinrdock.proxy=${host.id}`] } })).length
    const preview = await f.proxy.preview(host.id, {})
    expect(preview.test.ok, preview.test.output).toBe(true)
    expect(preview.test.output).toContain('test is successful')
    expect(preview).toMatchObject({ unchanged: false })
    expect(preview.config).toContain(`server_name ${DOMAIN};`)
    // A certificate whose key does not match: nginx's own refusal, from the throw-away container.
    const tlsDomain = `scratch-${RUN}.example.com`
    f.certs.certs.set(tlsDomain, await selfSigned(tlsDomain, 'bad00', true))
    const refused = await f.proxy.preview(host.id, {
      add: { ...route, id: 'scratch00001', domain: tlsDomain, tls: true },
    })
    f.certs.certs.delete(tlsDomain)
    expect(refused.test.ok).toBe(false)
    expect(refused.test.output).toContain('key values mismatch')
    expect(await listed()).toBe(0)
    expect((await f.proxy.state(host.id)).status).toBe('absent')
    await expect(get(httpPort, DOMAIN, '/')).rejects.toThrow()
  })

  it('creates the proxy and serves a route by Host header; an unknown Host answers 404', async () => {
    expect((await f.proxy.state(host.id)).status).toBe('absent')
    const state = await f.proxy.apply(host.id)
    expect(state).toMatchObject({ status: 'running', routes: 1, lastError: null })
    expect(state.configHash).toMatch(/^[a-f0-9]{64}$/)
    expect(proxyChanged).toContain(host.id)
    expect(await body()).toEqual({ status: 200, body: 'v1' })
    expect((await body('unknown.example.com')).status).toBe(404)
    expect(await servedHash(proxyContainer())).toBe(state.configHash)
    const info = await proxyContainer().inspect()
    expect(info.Config.Labels['io.glinrdock.proxy']).toBe(host.id)
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped')
    expect(info.HostConfig.PortBindings['80/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(httpPort) }])
    expect(Object.keys(info.NetworkSettings.Networks).sort()).toEqual([PROXY, svc.network].sort())
    // The route's own access log, in the logs volume.
    const log = await execIn(proxyContainer(), ['cat', `/var/log/glinrdock/route-${route.id}.log`])
    expect(log.stdout).toContain('"GET / HTTP/1.1" 200')
  })

  it('moves an access log past its cap to .1, and nginx goes on writing the new one', async () => {
    const logFile = `/var/log/glinrdock/route-${route.id}.log`
    const read = async (path: string) => (await execIn(proxyContainer(), ['cat', path])).stdout
    expect(await f.proxy.rotateLogs(host.id)).toEqual([])
    for (let i = 0; i < 40; i++) await body(DOMAIN, `/fill-${i}`)
    const full = await read(logFile)
    expect(full.length).toBeGreaterThan(LOG_CAP_BYTES)

    expect(await f.proxy.rotateLogs(host.id)).toEqual([route.id])
    expect(await read(`${logFile}.1`)).toBe(full)
    expect(await read(logFile)).toBe('')
    // Reopened: the next request is in the new file, not in the old one nginx held open.
    expect(await body()).toEqual({ status: 200, body: 'v1' })
    const lines = (await read(logFile)).split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('"GET / HTTP/1.1" 200')
    expect(await f.proxy.rotateLogs(host.id)).toEqual([])

    // Far past the cap, a log is not copied: it starts over, and .1 keeps the rotation before.
    for (let i = 0; i < 160; i++) await body(DOMAIN, `/flood-${i}`)
    expect((await read(logFile)).length).toBeGreaterThan(4 * LOG_CAP_BYTES)
    expect(await f.proxy.rotateLogs(host.id)).toEqual([route.id])
    expect(await read(`${logFile}.1`)).toBe(full)
    expect(await read(logFile)).toBe('')
  })

  it('does nothing for a render equal to the live one', async () => {
    const before = await f.proxy.state(host.id)
    const after = await f.proxy.apply(host.id)
    expect(after.configHash).toBe(before.configHash)
    expect(after.lastReloadAt).toBe(before.lastReloadAt)
  })

  it("refuses a certificate whose key does not match with nginx's words, while traffic keeps flowing on the old config", async () => {
    const before = await f.proxy.state(host.id)
    const tlsDomain = `secure-${RUN}.example.com`
    f.certs.certs.set(tlsDomain, await selfSigned(tlsDomain, 'bad01', true))
    const tlsRoute = f.routes.add({ ...route, domain: tlsDomain, tls: true })
    const loop = startRequestLoop({ port: httpPort, host: DOMAIN })
    let error: unknown
    try {
      await f.proxy.apply(host.id)
    } catch (err) {
      error = err
    }
    const result = await loop.stop()
    expect(isAppError(error) && error.code).toBe('proxy_rejected')
    expect((error as Error).message).toContain('key values mismatch')
    expect((error as Error).message).toContain('[emerg]')
    expect(result.failed, result.errors.join('\n')).toBe(0)
    expect(result.ok).toBeGreaterThan(0)
    expect([...result.bodies.keys()]).toEqual(['v1'])
    expect(await servedHash(proxyContainer())).toBe(before.configHash)
    const state = await f.proxy.state(host.id)
    expect(state.status).toBe('error')
    expect(state.configHash).toBe(before.configHash)
    expect(state.lastError?.message).toContain('key values mismatch')
    // The refused generation left nothing staged behind.
    const files = await execIn(proxyContainer(), ['ls', '/etc/glinrdock/gen'])
    expect(files.stdout.trim().split('\n')).not.toContain(expect.stringMatching(/^preview-/))

    // A matching certificate goes live: HTTPS for the domain, HTTP redirects there, the error is cleared.
    f.certs.certs.set(tlsDomain, await selfSigned(tlsDomain, 'good02'))
    const fixed = await f.proxy.apply(host.id)
    expect(fixed).toMatchObject({ status: 'running', lastError: null })
    const redirect = await get(httpPort, tlsDomain)
    expect(redirect.status).toBe(308)
    const acme = await get(httpPort, tlsDomain, '/.well-known/acme-challenge/none')
    expect(acme.status).toBe(404)
    const certDirs = await execIn(proxyContainer(), ['ls', `/etc/glinrdock-certs/${tlsDomain}`])
    expect(certDirs.stdout.trim()).toBe('good02')

    f.routes.routes.splice(f.routes.routes.indexOf(tlsRoute), 1)
    f.certs.certs.delete(tlsDomain)
    await f.proxy.apply(host.id)
  })

  it('preview tests a change with nginx -t and changes nothing live', async () => {
    const live = await f.proxy.state(host.id)
    const add = { ...route, id: 'prev00000001', domain: `other-${RUN}.example.com` }
    const preview = await f.proxy.preview(host.id, { add })
    expect(preview.test.ok, preview.test.output).toBe(true)
    expect(preview.test.output).toContain('test is successful')
    expect(preview.unchanged).toBe(false)
    expect(preview.hash).not.toBe(live.configHash)
    expect(preview.config).toContain(`server_name other-${RUN}.example.com;`)
    expect(await servedHash(proxyContainer())).toBe(live.configHash)
    expect((await f.proxy.state(host.id)).configHash).toBe(live.configHash)
    expect((await body(`other-${RUN}.example.com`)).status).toBe(404)
    const staged = await execIn(proxyContainer(), ['ls', '/etc/glinrdock', '/etc/glinrdock/gen'])
    expect(staged.stdout).not.toContain('preview-')
    const same = await f.proxy.preview(host.id, {})
    expect(same).toMatchObject({ unchanged: true, hash: live.configHash })
  })

  it('switches traffic to a pinned container with no failed request, and back after release', async () => {
    const next = await runService(docker, env, {
      name: `${svc.containerName}-next`,
      network: svc.network,
      serviceId: svc.serviceId,
      body: 'v2',
      run: RUN,
    })
    const loop = startRequestLoop({ port: httpPort, host: DOMAIN })
    await eventually(async () => (loop.snapshot().bodies.get('v1') ?? 0) > 20, 10_000, 'traffic on v1')
    const pin = await f.proxy.pinUpstream(svc.serviceId, next)
    const atSwitch = loop.snapshot().ok
    await eventually(async () => loop.snapshot().ok > atSwitch + 50, 10_000, 'traffic after the switch')
    const result = await loop.stop()
    expect(result.failed, result.errors.join('\n')).toBe(0)
    expect(result.bodies.get('v1')).toBeGreaterThan(0)
    expect(result.bodies.get('v2')).toBeGreaterThan(0)
    // Once nginx confirmed the pin, every new request goes to the pinned container.
    for (let i = 0; i < 5; i++) expect(await body()).toEqual({ status: 200, body: 'v2' })
    expect(f.proxy.hasRoutes(svc.serviceId)).toBe(true)
    pin.release()
    await f.proxy.apply(host.id)
    expect(await body()).toEqual({ status: 200, body: 'v1' })
    await docker.getContainer(next).remove({ force: true })
  })

  it('re-applies by itself when the service container is recreated, stopped or started outside a deploy', async () => {
    const watcher = new ContainersWatcher(f.connections, new ContainerService(f.connections), f.events, logger)
    f.proxy.start()
    try {
      const old = await docker.getContainer(svc.containerName).inspect()
      await docker.getContainer(old.Id).remove({ force: true })
      await runService(docker, env, {
        name: svc.containerName,
        network: svc.network,
        serviceId: svc.serviceId,
        body: 'v3',
        run: RUN,
      })
      await eventually(
        async () => (await bodyOrNothing()).body === 'v3',
        20_000,
        'the recreated container behind the route',
      )
      await docker.getContainer(svc.containerName).stop({ t: 0 })
      const stopped = await eventually(
        async () => {
          const r = await bodyOrNothing()
          return r.status === 503 && r
        },
        20_000,
        'a 503 for the stopped service',
      )
      expect(stopped.body).toContain('no running container')
      expect((await body('unknown.example.com')).status).toBe(404)
      await docker.getContainer(svc.containerName).start()
      await eventually(
        async () => (await bodyOrNothing()).body === 'v3',
        20_000,
        'the restarted container behind the route',
      )
      expect((await f.proxy.state(host.id)).lastError).toBeNull()
    } finally {
      watcher.dispose()
    }
  })

  it('recreates the proxy when its settings change, keeping its volumes', async () => {
    const before = await proxyContainer().inspect()
    const logFile = `/var/log/glinrdock/route-${route.id}.log`
    const logged = (await execIn(proxyContainer(), ['cat', logFile])).stdout
    expect(logged).not.toBe('')
    const newPort = await freePort()
    f.settings.current = { ...f.settings.current, httpPort: newPort }
    httpPort = newPort
    const state = await f.proxy.apply(host.id)
    expect(state.status).toBe('running')
    expect(state.containerId).not.toBe(before.Id)
    expect(await body()).toEqual({ status: 200, body: 'v3' })
    expect((await execIn(proxyContainer(), ['cat', logFile])).stdout.startsWith(logged)).toBe(true)
    expect(
      (await docker.listContainers({ all: true, filters: { label: [`io.glinrdock.proxy=${host.id}`] } })).length,
    ).toBe(1)
  })

  it('releases a project network (and ignores one it is not connected to)', async () => {
    await f.proxy.releaseNetwork(host.id, svc.network)
    const info = await proxyContainer().inspect()
    expect(Object.keys(info.NetworkSettings.Networks)).not.toContain(svc.network)
    await f.proxy.releaseNetwork(host.id, svc.network)
    await f.proxy.releaseNetwork(host.id, `absent-${RUN}`)
  })
})
