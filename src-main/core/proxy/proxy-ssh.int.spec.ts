import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:net'
import tls from 'node:tls'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../../e2e/fixtures/free-port'
import { startRequestLoop } from '../../../e2e/fixtures/request-loop'
import { testbedEnv } from '../../../e2e/fixtures/testbed-env'
import { nginxImage } from '../../../e2e/fixtures/testbed-proxy'
import { isAppError } from '../shared/app-error'
import { execIn } from './proxy-files'
import {
  cleanup,
  ensureNetwork,
  get,
  insertService,
  proxyFixture,
  runService,
  selfSigned,
  sshHost,
  type ProxyFixture,
} from './proxy-test-support'

/**
 * The proxy on a host reached over SSH: the test bed's sshd forwards to a socket path that exists only in its own
 * mount namespace, so every engine call here (create, archive, exec, reload) went through the tunnel.
 */
const env = testbedEnv()
const docker = new Dockerode({ socketPath: env.dockerSocket })
const RUN = randomUUID().replace(/-/g, '').slice(0, 10)
const PROXY = `gd-proxy-ssh-${RUN}`
const host = sshHost(env)
const DOMAIN = `web-${RUN}.example.com`
const TLS_DOMAIN = `tls-${RUN}.example.com`
let f: ProxyFixture
let httpPort: number
let httpsPort: number
let svc: ReturnType<typeof insertService>

async function otherPort(...taken: number[]): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (!taken.includes(port)) return port
  }
}

/** The certificate nginx presents for a server name, or the handshake's error. */
function presented(servername: string): Promise<{ subject?: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port: httpsPort, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate()
      socket.end()
      resolve({ subject: cert.subject?.CN as string | undefined })
    })
    socket.on('error', (err) => resolve({ error: err.message }))
  })
}

beforeAll(async () => {
  httpPort = await freePort()
  httpsPort = await otherPort(httpPort)
  f = proxyFixture(env, { containerName: PROXY, host, settings: { image: nginxImage(env), httpPort, httpsPort } })
  svc = insertService(f.projects, host.id, `blog${RUN}`, 'www')
  await ensureNetwork(docker, svc.network, RUN)
  await runService(docker, env, {
    name: svc.containerName,
    network: svc.network,
    serviceId: svc.serviceId,
    body: 'over-ssh',
    run: RUN,
  })
  f.routes.add({
    hostId: host.id,
    projectId: svc.projectId,
    serviceId: svc.serviceId,
    domain: DOMAIN,
    path: '/blog',
    port: 8080,
    tls: false,
  })
})

afterAll(async () => {
  f?.close()
  await cleanup(docker, RUN, PROXY)
})

describe('ProxyService on a host over SSH', () => {
  it('creates the proxy through the tunnel and serves a path prefix route by Host header', async () => {
    const state = await f.proxy.apply(host.id)
    expect(state).toMatchObject({ status: 'running', lastError: null, routes: 1 })
    // busybox httpd answers 404 for paths it has no file for: the request reached it, URI unchanged.
    expect(await get(httpPort, DOMAIN, '/blog/')).toMatchObject({ status: 404 })
    expect((await get(httpPort, DOMAIN, '/blog/')).body).not.toContain('nginx')
    expect((await get(httpPort, DOMAIN, '/')).body).toContain('nginx')
    expect((await get(httpPort, DOMAIN, '/blogger')).body).toContain('nginx')
    expect((await get(httpPort, 'unknown.example.com', '/blog')).status).toBe(404)
  })

  it('serves an ACME challenge token on every name and removes it again; refuses a token that is not one', async () => {
    await f.proxy.putChallenge([host.id], `tok-${RUN}_A`, `tok-${RUN}_A.thumb-print`)
    for (const name of [DOMAIN, 'unknown.example.com'])
      expect(await get(httpPort, name, `/.well-known/acme-challenge/tok-${RUN}_A`)).toEqual({
        status: 200,
        body: `tok-${RUN}_A.thumb-print`,
      })
    await f.proxy.removeChallenge([host.id], `tok-${RUN}_A`)
    expect((await get(httpPort, DOMAIN, `/.well-known/acme-challenge/tok-${RUN}_A`)).status).toBe(404)
    for (const token of ['../../etc/passwd', 'a b', 'a;b', ''])
      await expect(f.proxy.putChallenge([host.id], token, 'x')).rejects.toMatchObject({ code: 'validation' })
    await expect(f.proxy.putChallenge([host.id], 'tok', 'x\nserver {')).rejects.toMatchObject({ code: 'validation' })
  })

  it('serves HTTPS with the certificate for its name and rejects the handshake for any other name', async () => {
    f.certs.certs.set(TLS_DOMAIN, await selfSigned(TLS_DOMAIN, 'a1'))
    f.routes.add({
      hostId: host.id,
      projectId: svc.projectId,
      serviceId: svc.serviceId,
      domain: TLS_DOMAIN,
      path: '/',
      port: 8080,
      tls: true,
    })
    const loop = startRequestLoop({ port: httpPort, host: DOMAIN, path: '/blog/' })
    await f.proxy.apply(host.id)
    // A renewal: new serial, new files, switched by a safe apply while requests flow.
    f.certs.certs.set(TLS_DOMAIN, await selfSigned(TLS_DOMAIN, 'b2'))
    await f.proxy.apply(host.id)
    const result = await loop.stop()
    expect(result.failed, result.errors.join('\n')).toBe(0)
    expect([...result.statuses.keys()]).toEqual([404])
    expect(await presented(TLS_DOMAIN)).toEqual({ subject: TLS_DOMAIN })
    expect((await presented('unknown.example.com')).error).toMatch(/alert|handshake/i)
    const redirect = await get(httpPort, TLS_DOMAIN, '/x?y=1')
    expect(redirect.status).toBe(308)
    // Only the served serial's files stay, 0600.
    const files = await execIn(docker.getContainer(PROXY), [
      'ls',
      '-ln',
      `/etc/glinrdock-certs/${TLS_DOMAIN}`,
      `/etc/glinrdock-certs/${TLS_DOMAIN}/b2`,
    ])
    expect(files.stdout).not.toContain('a1')
    expect(files.stdout).toMatch(/-rw------- +1 0 +0 .* privkey\.pem/)
  })

  it('maps a taken host port to port_conflict and keeps the running proxy', async () => {
    const before = await f.proxy.state(host.id)
    const blocker: Server = createServer()
    const taken = await otherPort(httpPort, httpsPort)
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve))
    try {
      f.settings.current = { ...f.settings.current, httpPort: taken }
      let error: unknown
      await f.proxy.apply(host.id).catch((err: unknown) => (error = err))
      expect(isAppError(error) && error.code, String(error)).toBe('port_conflict')
      expect((error as Error).message).toContain(String(taken))
      const state = await f.proxy.state(host.id)
      expect(state.lastError?.message).toContain('already in use')
      expect(state.containerId).toBe(before.containerId)
      // The previous proxy is back on its old port, serving.
      expect((await get(httpPort, DOMAIN, '/blog/')).status).toBe(404)
    } finally {
      blocker.close()
      f.settings.current = { ...f.settings.current, httpPort }
    }
    const recovered = await f.proxy.apply(host.id)
    expect(recovered).toMatchObject({ status: 'running', lastError: null, containerId: before.containerId })
  })
})
