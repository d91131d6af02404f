import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { addTestbedHost } from '../../../e2e/fixtures/testbed-host'
import { dockerCli, testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'

/**
 * Compose files in and out, and adoption of what `docker-compose up` started, on the real server and engine with
 * Debian's docker-compose 1.29.
 */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string
let workDir: string
const projects: string[] = []
const suffix = Math.random().toString(36).slice(2, 8)

/**
 * Async on purpose: a synchronous child blocks this process's event loop, so the HTTP client cannot notice the
 * server closing an idle keep-alive socket meanwhile and sends the next request into it.
 */
async function compose(file: string, project: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('docker-compose', ['-f', file, '-p', project, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: env.dockerHost },
  })
  return stdout
}

async function newProject(name: string): Promise<string> {
  const res = await api.post('/v1/projects', { name: `${name}-${suffix}`, hostId })
  expect(res.status, res.text).toBe(201)
  projects.push(res.json.id)
  return res.json.id
}

beforeAll(async () => {
  env = testbedEnv()
  workDir = mkdtempSync(join(tmpdir(), 'gd-compose-'))
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  hostId = await addTestbedHost(serve, env)
})

afterAll(async () => {
  for (const id of projects) await api.delete(`/v1/projects/${id}?force=true&volumes=true`)
  await serve?.stop()
  rmSync(workDir, { recursive: true, force: true })
})

const FILE = (image: string, port = 18080) => `
services:
  db:
    image: ${image}
    command: ["sleep", "3600"]
    environment:
      POSTGRES_PASSWORD: hunter2
      MODE: primary
    volumes:
      - data:/var/lib/data
    restart: always
  web:
    image: ${image}
    command: sh -c 'exec httpd -f -p 8080'
    ports:
      - "127.0.0.1:${port}:8080"
    expose:
      - "9000"
    depends_on:
      - db
    labels:
      team: core
    healthcheck:
      test: ["CMD", "true"]
      interval: 30s
    deploy:
      resources:
        limits:
          memory: 64M
          cpus: "0.5"
    build: ./web
    networks:
      - front
networks:
  front: {}
volumes:
  data: {}
`

describe('compose import', () => {
  it('previews services and every warning with dryRun, storing nothing', async () => {
    const projectId = await newProject('preview')
    const res = await api.post(`/v1/projects/${projectId}/compose`, { yaml: FILE(env.busyboxImage), dryRun: true })
    expect(res.status, res.text).toBe(200)
    expect(res.json.created).toEqual([])
    expect(res.json.services.map((s: { name: string }) => s.name).sort()).toEqual(['db', 'web'])
    const paths = res.json.warnings.map((w: { path: string }) => w.path)
    expect(paths).toEqual(expect.arrayContaining(['services.web.build', 'services.web.networks', 'networks.front']))
    const db = res.json.services.find((s: { name: string }) => s.name === 'db')
    expect(db.env).toEqual(
      expect.arrayContaining([
        { key: 'POSTGRES_PASSWORD', value: null, secret: true },
        { key: 'MODE', value: 'primary', secret: false },
      ]),
    )
    expect(db.volumes).toEqual([
      { type: 'volume', source: `preview-${suffix}_data`, target: '/var/lib/data', readOnly: false },
    ])
    expect((await api.get(`/v1/projects/${projectId}/services`)).json).toEqual([])
  })

  it('creates all services or none', async () => {
    const projectId = await newProject('atomic')
    const bad = FILE(env.busyboxImage).replace('  web:\n    image: ' + env.busyboxImage, '  web:\n    image: "../bad"')
    const refused = await api.post(`/v1/projects/${projectId}/compose`, { yaml: bad })
    expect(refused.status).toBe(400)
    expect(refused.json.error.field).toBe('services.web.image')
    expect((await api.get(`/v1/projects/${projectId}/services`)).json).toEqual([])

    for (const yaml of ['a: [', 'just text', '- 1\n- 2', 'services: 3']) {
      const res = await api.post(`/v1/projects/${projectId}/compose`, { yaml })
      expect(res.status, yaml).toBe(400)
    }
    expect((await api.get(`/v1/projects/${projectId}/services`)).json).toEqual([])
  })

  it('round-trips: import, export, and docker-compose config accepts the export', async () => {
    const projectId = await newProject('trip')
    const imported = await api.post(`/v1/projects/${projectId}/compose`, { yaml: FILE(env.busyboxImage) })
    expect(imported.status, imported.text).toBe(200)
    expect(imported.json.created).toHaveLength(2)
    const exported = await api.get(`/v1/projects/${projectId}/compose`)
    expect(exported.status).toBe(200)
    expect(exported.text).toContain('${POSTGRES_PASSWORD}')
    expect(exported.text).not.toContain('hunter2')
    const file = join(workDir, 'exported.yaml')
    writeFileSync(file, exported.text)
    const config = await compose(file, `trip-${suffix}`, ['config'])
    expect(config).toContain('httpd')

    // Importing the export into a fresh project gives the same specs (secrets come back empty, to be set).
    const again = await newProject('trip2')
    const reimported = await api.post(`/v1/projects/${again}/compose`, { yaml: exported.text, dryRun: true })
    expect(reimported.status, reimported.text).toBe(200)
    const specs = (await api.get(`/v1/projects/${projectId}/services`)).json.map((s: { spec: unknown }) => s.spec)
    const byName = (list: { name: string }[]) => [...list].sort((a, b) => a.name.localeCompare(b.name))
    expect(byName(reimported.json.services)).toEqual(byName(specs))
  })
})

describe('adoption', () => {
  it('adopts a docker-compose project without recreating its containers', async () => {
    const composeProject = `adopt${suffix}`
    const file = join(workDir, 'adopt.yaml')
    writeFileSync(
      file,
      `services:
  cache:
    image: ${env.busyboxImage}
    command: ["sleep", "3600"]
  app:
    image: ${env.busyboxImage}
    command: ["sleep", "3600"]
    environment:
      API_TOKEN: abc123
    cap_add: [NET_ADMIN]
    depends_on: [cache]
`,
    )
    await compose(file, composeProject, ['up', '-d'])
    try {
      const ids = dockerCli(env, [
        'ps',
        '-q',
        '--no-trunc',
        '--filter',
        `label=com.docker.compose.project=${composeProject}`,
      ])
        .split('\n')
        .filter(Boolean)
        .sort()
      expect(ids).toHaveLength(2)

      const adoptable = await api.get(`/v1/hosts/${hostId}/adoptable`)
      expect(adoptable.status).toBe(200)
      const group = adoptable.json.find((g: { composeProject: string | null }) => g.composeProject === composeProject)
      expect(group.containers.map((c: { id: string }) => c.id).sort()).toEqual(ids)
      expect(group.containers.map((c: { suggestedName: string }) => c.suggestedName).sort()).toEqual(['app', 'cache'])
      // What a recreate would lose is said before adopting: the capability added to `app` here.
      const app0 = group.containers.find((c: { suggestedName: string }) => c.suggestedName === 'app')
      expect(app0.warnings.map((w: { path: string }) => w.path)).toContain('HostConfig.CapAdd')
      const cache0 = group.containers.find((c: { suggestedName: string }) => c.suggestedName === 'cache')
      expect(cache0.warnings).toEqual([])

      const projectId = await newProject('adopted')
      const adopted = await api.post(`/v1/projects/${projectId}/adopt`, { containerIds: ids })
      expect(adopted.status, adopted.text).toBe(201)
      expect(adopted.json.map((s: { status: { containerId: string } }) => s.status.containerId).sort()).toEqual(ids)
      const app = adopted.json.find((s: { spec: { name: string } }) => s.spec.name === 'app')
      expect(app).toMatchObject({ origin: 'adopted', desiredState: 'running' })
      expect(app.spec.env).toEqual([{ key: 'API_TOKEN', value: null, secret: true }])

      // Same containers, still running, no drift, now reachable by service name on the project network.
      const services = await eventually(async () => {
        const list = (await api.get(`/v1/projects/${projectId}/services`)).json
        return list.every((s: { status: { state: string } }) => s.status.state === 'running') && list
      })
      for (const s of services) expect(s.status.drift).toEqual([])
      for (const id of ids) {
        expect(dockerCli(env, ['inspect', '--format', '{{.State.Running}}', id])).toBe('true')
        const networks = Object.keys(
          JSON.parse(dockerCli(env, ['inspect', '--format', '{{json .NetworkSettings.Networks}}', id])),
        )
        expect(networks).toContain(`glinrdock-adopted-${suffix}`)
      }
      // Adopted containers are no longer offered.
      const after = (await api.get(`/v1/hosts/${hostId}/adoptable`)).json
      expect(after.find((g: { composeProject: string | null }) => g.composeProject === composeProject)).toBeUndefined()

      // A start of an unchanged adopted service keeps its container.
      const start = await api.post(`/v1/services/${app.id}/start`)
      expect(start.json).toEqual({ jobId: null })
      expect((await api.get(`/v1/services/${app.id}`)).json.status.containerId).toBe(app.status.containerId)
    } finally {
      await compose(file, composeProject, ['down', '-v', '-t', '1'])
    }
  })
})
