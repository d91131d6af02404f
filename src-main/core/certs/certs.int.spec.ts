import { randomUUID } from 'node:crypto'
import https from 'node:https'
import type { TLSSocket } from 'node:tls'
import { X509Certificate } from '@peculiar/x509'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../../e2e/fixtures/free-port'
import { mapDomain, pebbleRoots, unmapDomain } from '../../../e2e/fixtures/pebble'
import { testbedEnv } from '../../../e2e/fixtures/testbed-env'
import { nginxImage } from '../../../e2e/fixtures/testbed-proxy'
import {
  cleanup,
  ensureNetwork,
  get,
  insertService,
  localHost,
  proxyFixture,
  runService,
  type ProxyFixture,
} from '../proxy/proxy-test-support'
import { CertService } from './cert-service'
import { CertStore } from './cert-store'
import { certHarness, type CertHarness } from './cert-test-support'

/**
 * Certificates end to end on the test bed: the real pebble validates HTTP-01 through the real nginx proxy (its
 * HTTP port published on 127.0.0.1:<pebbleHttpPort>, where pebble-challtestsrv sends every name), and the proxy
 * then serves the issued chain for the route. Only this spec publishes on that port (one spec at a time can).
 */
const env = testbedEnv()
const docker = new Dockerode({ socketPath: env.dockerSocket })
const RUN = randomUUID().replace(/-/g, '').slice(0, 10)
const PROXY = `gd-proxy-certs-${RUN}`
const DOMAIN = `app-${RUN}.test`
/** Resolved to an address where nothing listens: to the CA, a proxy that does not serve the domain. */
const UNREACHABLE = `gone-${RUN}.test`
const host = localHost(env)
let f: ProxyFixture
let h: CertHarness
let service: CertService
let httpsPort: number
let roots: { root: string; intermediate: string }

beforeAll(async () => {
  httpsPort = await freePort()
  roots = await pebbleRoots(env)
  f = proxyFixture(env, {
    containerName: PROXY,
    host,
    settings: { image: nginxImage(env), httpPort: env.pebbleHttpPort, httpsPort },
  })
  h = certHarness()
  service = new CertService({
    store: new CertStore(h.db),
    box: h.box,
    jobs: h.jobs,
    events: h.events,
    proxy: f.proxy,
    routes: f.routes,
    acme: () => ({ directoryUrl: env.pebbleDirectory, email: null }),
    notify: h.notify,
    logger: h.logger,
    caFile: env.pebbleCaFile,
  })
  f.proxy.connectCertificates(service)
  service.registerJobs()
  h.jobs.start()

  const svc = insertService(f.projects, host.id, `certs${RUN}`, 'web')
  await ensureNetwork(docker, svc.network, RUN)
  await runService(docker, env, {
    name: svc.containerName,
    network: svc.network,
    serviceId: svc.serviceId,
    body: 'hello over tls',
    run: RUN,
  })
  const route = { hostId: host.id, projectId: svc.projectId, serviceId: svc.serviceId, path: '/', port: 8080 }
  f.routes.add({ ...route, domain: DOMAIN, tls: true })
  f.routes.add({ ...route, domain: UNREACHABLE, tls: true })
  await mapDomain(env, UNREACHABLE, '127.0.0.9')
  // The proxy serves the routes over HTTP before any certificate exists.
  await f.proxy.apply(host.id)
  expect(await get(env.pebbleHttpPort, DOMAIN)).toEqual({ status: 200, body: 'hello over tls' })
})

afterAll(async () => {
  service?.dispose()
  h?.dispose()
  f?.close()
  await unmapDomain(env, UNREACHABLE).catch(() => undefined)
  await cleanup(docker, RUN, PROXY)
})

/** GET / over HTTPS with SNI `servername`, trusting only pebble's root; answers the body and the leaf served. */
function httpsGet(servername: string): Promise<{ status: number; body: string; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: httpsPort,
        path: '/',
        servername,
        headers: { Host: servername },
        ca: roots.root,
        agent: false,
      },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber.toLowerCase()
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').trim(), serial }),
        )
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

const finished = (jobId: string) => h.until(jobId, 'succeeded', 'failed', 'canceled')

describe('certificates through the real proxy and pebble', () => {
  it('issues over HTTP-01 and the proxy serves the chain to pebble’s root with the stored serial', async () => {
    const { jobId } = service.issue(DOMAIN)
    const job = await finished(jobId)
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded')
    const cert = service.status(DOMAIN)
    expect(cert).toMatchObject({ status: 'valid', failures: 0, hostIds: [host.id] })

    const served = await httpsGet(DOMAIN)
    expect(served).toEqual({ status: 200, body: 'hello over tls', serial: cert.serial })
    // The chain the proxy sends is the one issued: leaf by pebble's intermediate, intermediate by its root.
    const chain = (await service.servingCertificate(DOMAIN))!.chainPem
    const leaf = new X509Certificate(chain)
    const intermediate = new X509Certificate(roots.intermediate)
    expect(await leaf.verify({ publicKey: intermediate.publicKey, signatureOnly: true })).toBe(true)
    expect(h.notified.map((n) => n.kind)).toContain('cert.issued')
  })

  it('renews on demand and the proxy switches to the new serial', async () => {
    const before = service.status(DOMAIN)
    const { jobId } = service.renew(DOMAIN)
    expect((await finished(jobId)).status).toBe('succeeded')
    const after = service.status(DOMAIN)
    expect(after.serial).not.toBe(before.serial)
    expect((await httpsGet(DOMAIN)).serial).toBe(after.serial)
  })

  it('fails with the CA’s message for a domain it cannot validate, and notifies', async () => {
    const { jobId } = service.issue(UNREACHABLE)
    const job = await finished(jobId)
    expect(job.status).toBe('failed')
    expect(job.error?.code).toBe('acme_failed')
    expect(job.error?.message).toMatch(/127\.0\.0\.9.*(refused|connect)/i)
    const cert = service.status(UNREACHABLE)
    expect(cert).toMatchObject({ status: 'failed', failures: 1 })
    expect(cert.lastError?.message).toBe(job.error?.message)
    expect(cert.nextAttemptAt).not.toBeNull()
    const failed = h.notified.find((n) => n.kind === 'cert.failed')
    expect(failed?.body).toContain(job.error!.message)
    // The domain that has a certificate is still served.
    expect((await httpsGet(DOMAIN)).status).toBe(200)
  })
})
