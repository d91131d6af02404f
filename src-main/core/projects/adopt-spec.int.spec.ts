import { randomUUID } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dockerCli, testbedEnv } from '../../../e2e/fixtures/testbed-env'
import { CreateServiceInput, LABELS, projectNetworkName } from '../../../src-preload/contract/projects'
import { draftFromInspect } from './adopt-spec'
import { planContainer, specHash } from './container-config'
import type { ProjectRef, ResolvedSpec } from './service-spec'

// Throws when the test bed is not up: these specs fail loudly rather than skip.
const env = testbedEnv()
const docker = new Dockerode({ socketPath: env.dockerSocket })
const RUN = randomUUID().replace(/-/g, '').slice(0, 10)
const TEST_LABELS = { 'glinrdock-test': 'adopt-spec', 'glinrdock-test.run': RUN }
const PROJECT_ID = 'p00000000001'
const project: ProjectRef = { id: PROJECT_ID, name: `adopt${RUN}` }
const network = projectNetworkName(project.name)
const volumeName = `adopt-${RUN}-data`
let bindDir: string

type Parsed = ReturnType<typeof CreateServiceInput.parse>

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A parsed create input as the engine mapping takes it: every env value present, no project id. */
function resolved(parsed: Parsed): ResolvedSpec {
  const { projectId: _projectId, ...spec } = parsed
  return {
    ...spec,
    image: spec.image ?? null,
    git: spec.git ?? null,
    command: spec.command ?? null,
    entrypoint: spec.entrypoint ?? null,
    healthcheck: spec.healthcheck ?? null,
    user: spec.user ?? null,
    env: spec.env.map((v) => ({ key: v.key, value: v.value ?? '', secret: v.secret })),
  }
}

async function inspectWithImage(
  id: string,
): Promise<{ container: Record<string, unknown>; image: Record<string, unknown> }> {
  const container = (await docker.getContainer(id).inspect()) as unknown as Record<string, unknown>
  const image = (await docker.getImage(String(container.Image)).inspect()) as unknown as Record<string, unknown>
  return { container, image }
}

async function waitRunning(id: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const { State } = await docker.getContainer(id).inspect()
    if (State.Running) return
    if (State.Status === 'exited') throw new Error(`container exited with ${State.ExitCode}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('container did not start')
}

beforeAll(async () => {
  bindDir = mkdtempSync(join(tmpdir(), 'gd-adopt-'))
  writeFileSync(join(bindDir, 'hello.txt'), 'hello\n')
  chmodSync(bindDir, 0o755)
  await docker.createNetwork({ Name: network, Labels: TEST_LABELS })
  await docker.createVolume({ Name: volumeName, Labels: TEST_LABELS })
  await docker.createVolume({ Name: `${volumeName}-plain`, Labels: TEST_LABELS })
})

afterAll(async () => {
  const filters = { label: [`glinrdock-test.run=${RUN}`] }
  for (const info of await docker.listContainers({ all: true, filters }))
    await docker.getContainer(info.Id).remove({ force: true, v: true })
  for (const info of await docker.listNetworks({ filters })) await docker.getNetwork(info.Id).remove()
  for (const volume of (await docker.listVolumes({ filters })).Volumes ?? [])
    await docker.getVolume(volume.Name).remove()
  rmSync(bindDir, { recursive: true, force: true })
})

describe('adopting containers of the real engine', () => {
  it('maps a planned container back to the spec it was planned from', async () => {
    const [webPort, dnsPort] = [await freePort(), await freePort()]
    const input = CreateServiceInput.parse({
      projectId: PROJECT_ID,
      name: 'web',
      image: env.busyboxImage,
      entrypoint: ['/bin/sh', '-c'],
      command: ['mkdir -p /tmp/www && touch /tmp/www/healthz && exec httpd -f -p 8080 -h /tmp/www'],
      env: [
        { key: 'APP_MODE', value: 'prod' },
        { key: 'DB_PASSWORD', value: 'hunter2', secret: true },
      ],
      ports: [
        { container: 53, host: dnsPort, protocol: 'udp' },
        { container: 8080, host: webPort, hostIp: '127.0.0.1' },
        { container: 9000 },
      ],
      volumes: [
        { type: 'volume', target: '/cache' },
        { type: 'volume', source: volumeName, target: '/data' },
        { type: 'bind', source: bindDir, target: '/host', readOnly: true, confirmBind: true },
      ],
      restart: { policy: 'on-failure', maxRetries: 3 },
      healthcheck: {
        type: 'http',
        port: 8080,
        path: '/healthz',
        interval: '1m30s',
        timeout: '5s',
        retries: 3,
        startPeriod: '500ms',
      },
      resources: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5 },
      user: '1000:1000',
      labels: { ...TEST_LABELS, 'com.example.team': 'shop' },
      dependsOn: ['db'],
      autoDeploy: true,
    })
    const spec = resolved(input)
    const plan = planContainer(project, 's00000000001', spec)
    const created = await docker.createContainer({ name: plan.name, ...plan.body })
    await created.start()
    await waitRunning(created.id)

    const { container, image } = await inspectWithImage(created.id)
    expect((container.Config as { Labels: Record<string, string> }).Labels[LABELS.specHash]).toBe(plan.specHash)
    const { draft, warnings } = draftFromInspect(container, image, { projectName: project.name })
    const adopted = CreateServiceInput.parse({ projectId: PROJECT_ID, ...draft })

    // The engine named the anonymous volume; adoption keeps that name so its data stays attached.
    const anonymous = adopted.volumes.find((v) => v.target === '/cache')!
    expect(anonymous.source).toMatch(/^[0-9a-f]{64}$/)
    const expected: Parsed = {
      ...input,
      git: null,
      // Neither reaches the container: they are glinrdock's own and cannot be read back from the engine.
      dependsOn: [],
      autoDeploy: false,
      volumes: input.volumes.map((v) =>
        v.type === 'volume' && v.target === '/cache' ? { ...v, source: anonymous.source } : v,
      ),
    }
    expect(adopted).toEqual(expected)
    expect(warnings.map((w) => w.path).sort()).toEqual(['Mounts[/cache]', 'Mounts[/host]'])
    expect(specHash(project, 's00000000001', resolved(adopted))).toBe(
      specHash(project, 's00000000001', resolved(expected)),
    )
  })

  it('plans an HTTP health check the engine runs and reports healthy', async () => {
    const spec = resolved(
      CreateServiceInput.parse({
        projectId: PROJECT_ID,
        name: 'probe',
        image: env.busyboxImage,
        command: ['sh', '-c', 'mkdir -p /tmp/www && touch /tmp/www/ok && exec httpd -f -p 8080 -h /tmp/www'],
        healthcheck: { type: 'http', port: 8080, path: '/ok', interval: '200ms', timeout: '2s', retries: 20 },
        labels: TEST_LABELS,
      }),
    )
    const plan = planContainer(project, 's00000000002', spec)
    const created = await docker.createContainer({ name: plan.name, ...plan.body })
    await created.start()
    let health = ''
    for (let i = 0; i < 100 && health !== 'healthy'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      health = (await created.inspect()).State.Health?.Status ?? ''
    }
    expect(health).toBe('healthy')
  })

  it('adopts a container started with docker run, and warns about what the spec cannot keep', async () => {
    const webPort = await freePort()
    const name = `adopt-${RUN}-Plain`
    const id = dockerCli(env, [
      'run',
      '-d',
      '--name',
      name,
      ...Object.entries(TEST_LABELS).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      '-p',
      `127.0.0.1:${webPort}:80`,
      '-p',
      '8081',
      '-v',
      `${volumeName}-plain:/data`,
      '-v',
      `${bindDir}:/host:ro`,
      '-e',
      'FOO=bar',
      '-e',
      'API_TOKEN=s3cret',
      '--restart',
      'on-failure:2',
      '--memory',
      '32m',
      '--cap-add',
      'NET_ADMIN',
      '--workdir',
      '/tmp',
      env.busyboxImage,
      'sh',
      '-c',
      'sleep 3600',
    ])
    const { container, image } = await inspectWithImage(id)
    const { draft, warnings } = draftFromInspect(container, image)

    expect(CreateServiceInput.parse({ projectId: PROJECT_ID, ...draft })).toEqual({
      projectId: PROJECT_ID,
      name: `adopt-${RUN}-plain`,
      image: env.busyboxImage,
      git: null,
      command: ['sh', '-c', 'sleep 3600'],
      entrypoint: null,
      env: [
        { key: 'API_TOKEN', value: 's3cret', secret: true },
        { key: 'FOO', value: 'bar', secret: false },
      ],
      ports: [
        { container: 80, protocol: 'tcp', host: webPort, hostIp: '127.0.0.1' },
        { container: 8081, protocol: 'tcp' },
      ],
      volumes: [
        { type: 'volume', source: `${volumeName}-plain`, target: '/data', readOnly: false },
        { type: 'bind', source: bindDir, target: '/host', readOnly: true, confirmBind: true },
      ],
      restart: { policy: 'on-failure', maxRetries: 2 },
      healthcheck: null,
      resources: { memoryBytes: 32 * 1024 * 1024 },
      user: null,
      labels: TEST_LABELS,
      dependsOn: [],
      autoDeploy: false,
    })
    expect(warnings.map((w) => w.path).sort()).toEqual([
      'Config.WorkingDir',
      'HostConfig.CapAdd',
      'HostConfig.PortBindings.8081/tcp',
      'Mounts[/host]',
    ])
  })
})
