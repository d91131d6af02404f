import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { dockerCli, testbedEnv, testContainers, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { wsClient } from '../../../e2e/fixtures/ws-client'

/**
 * Images, volumes and networks on the real test engine, over REST. Other specs share that engine, so every
 * object here is named `gd-res-…` and labelled with this run's label, and every prune is filtered by it.
 */
let env: TestbedEnv
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let hostId: string
let containers: ReturnType<typeof testContainers>
let tarDir: string
const run = `gd-res-${process.pid}-${Date.now()}`
const LABEL = `gd-res.run=${run}`
const labelQuery = `label=${encodeURIComponent(LABEL)}`
const created = {
  images: [] as string[],
  volumes: [] as string[],
  networks: [] as string[],
  containers: [] as string[],
}

const docker = (args: string[]): string => dockerCli(env, args)
/** A new image with its own id (import stamps the time), labelled for this run. */
function importImage(tag?: string): string {
  const id = docker(['import', '--change', `LABEL ${LABEL}`, join(tarDir, 'rootfs.tar'), ...(tag ? [tag] : [])])
  created.images.push(id)
  return id
}
function createVolume(name: string): string {
  docker(['volume', 'create', '--label', LABEL, name])
  created.volumes.push(name)
  return name
}
function createNetwork(name: string): string {
  const id = docker(['network', 'create', '--label', LABEL, name])
  created.networks.push(name)
  return id
}
/** A container that holds its image and mounts without running (created, never started). */
function createContainer(name: string, image: string, extra: string[] = []): string {
  const id = docker(['create', '--name', name, '--label', 'glinrdock.test=1', ...extra, image, 'true'])
  created.containers.push(id)
  return id
}
const exists = (args: string[]): boolean => {
  try {
    docker(args)
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  env = testbedEnv()
  containers = testContainers(env)
  tarDir = mkdtempSync(join(tmpdir(), 'gd-res-'))
  writeFileSync(join(tarDir, 'hello'), 'hello\n')
  execFileSync('tar', ['-C', tarDir, '-cf', join(tarDir, 'rootfs.tar'), 'hello'])
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  const host = await api.post('/v1/hosts', { name: 'local', socketPath: env.dockerSocket })
  hostId = host.json.id
  await eventually(async () => (await api.get(`/v1/hosts/${hostId}`)).json.state === 'connected', 20_000)
})

afterAll(async () => {
  containers?.removeAll()
  for (const id of created.containers) exists(['rm', '-f', id])
  for (const id of created.images) exists(['rmi', '-f', id])
  for (const name of created.volumes) exists(['volume', 'rm', '-f', name])
  for (const name of created.networks) exists(['network', 'rm', name])
  if (tarDir) rmSync(tarDir, { recursive: true, force: true })
  await serve?.stop()
})

const path = (rest: string): string => `/v1/hosts/${hostId}${rest}`

describe('images over REST', () => {
  it('lists an image with its tags and every container that uses it, in any state', async () => {
    const tag = `gd-res/list-${run}:v1`
    const id = importImage(tag)
    const cid = createContainer(`gd-res-imguser-${process.pid}`, id)
    const res = await api.get(path('/images'))
    expect(res.status).toBe(200)
    const row = res.json.find((i: { id: string }) => i.id === id)
    expect(row).toMatchObject({
      shortId: id.slice(7, 19),
      repoTags: [tag],
      dangling: false,
      containers: [{ id: cid, name: `gd-res-imguser-${process.pid}` }],
    })
    expect(row.shortId).toMatch(/^[0-9a-f]{12}$/)
    expect(new Date(row.createdAt).toISOString()).toBe(row.createdAt)
    expect(row.sizeBytes).toBeGreaterThan(0)
  })

  it('inspects by `sha256:` id and by a reference with a slash sent as %2F', async () => {
    const tag = `gd-res/inspect-${run}:v1`
    const id = importImage(tag)
    const byId = await api.get(path(`/images/${id}`))
    expect(byId.status).toBe(200)
    expect(byId.json.Id).toBe(id)
    const byRef = await api.get(path(`/images/${encodeURIComponent(tag)}`))
    expect(byRef.status).toBe(200)
    expect(byRef.json.Id).toBe(id)
  })

  it('refuses to remove an image a container uses with 409 naming the container, and removes it once unused', async () => {
    const id = importImage(`gd-res/inuse-${run}:v1`)
    const name = `gd-res-holder-${process.pid}`
    const cid = createContainer(name, id)
    const refused = await api.delete(path(`/images/${id}`))
    expect(refused.status).toBe(409)
    expect(refused.json.error.code).toBe('conflict')
    expect(refused.json.error.message).toContain(name)
    expect(exists(['image', 'inspect', id])).toBe(true)
    docker(['rm', cid])
    const removed = await api.delete(path(`/images/${id.slice(7, 19)}`))
    expect(removed.status).toBe(204)
    expect(exists(['image', 'inspect', id])).toBe(false)
  })

  it('previews exactly the dangling images the prune then removes, and never one a container uses', async () => {
    const a = importImage()
    const b = importImage()
    const held = importImage()
    createContainer(`gd-res-dangling-holder-${process.pid}`, held)
    const tagged = importImage(`gd-res/tagged-${run}:v1`)
    const preview = await api.get(path(`/images-prune?${labelQuery}`))
    expect(preview.status).toBe(200)
    const previewed = preview.json.items.map((i: { id: string }) => i.id)
    expect(previewed).toEqual(expect.arrayContaining([a, b]))
    expect(previewed).not.toContain(held)
    expect(previewed).not.toContain(tagged)
    expect(preview.json.spaceBytes).toBeGreaterThan(0)
    const pruned = await api.post(path(`/images/prune?${labelQuery}`))
    expect(pruned.status).toBe(200)
    expect(pruned.json.removed).toEqual(expect.arrayContaining([a, b]))
    expect(pruned.json.removed).not.toContain(held)
    expect(pruned.json.removed).not.toContain(tagged)
    expect(exists(['image', 'inspect', held])).toBe(true)
    expect(exists(['image', 'inspect', tagged])).toBe(true)
  })

  it('with all=true previews and prunes every unused image, tagged ones included', async () => {
    const tagged = importImage(`gd-res/all-${run}:v1`)
    const held = importImage(`gd-res/all-held-${run}:v1`)
    createContainer(`gd-res-all-holder-${process.pid}`, held)
    const preview = await api.get(path(`/images-prune?all=true&${labelQuery}`))
    const previewed = preview.json.items.map((i: { id: string }) => i.id)
    expect(previewed).toContain(tagged)
    expect(previewed).not.toContain(held)
    expect(preview.json.items.find((i: { id: string }) => i.id === tagged).label).toBe(`gd-res/all-${run}:v1`)
    const pruned = await api.post(path(`/images/prune?all=true&${labelQuery}`))
    expect(pruned.json.removed).toContain(tagged)
    expect(pruned.json.removed).not.toContain(held)
    expect(exists(['image', 'inspect', tagged])).toBe(false)
    expect(exists(['image', 'inspect', held])).toBe(true)
  })
})

describe('volumes over REST', () => {
  it('lists a volume with the containers that mount it', async () => {
    const name = createVolume(`gd-res-vol-list-${process.pid}`)
    const cid = createContainer(`gd-res-vol-user-${process.pid}`, env.busyboxImage, ['-v', `${name}:/data`])
    const res = await api.get(path('/volumes'))
    const row = res.json.find((v: { name: string }) => v.name === name)
    expect(row).toMatchObject({
      driver: 'local',
      labels: { 'gd-res.run': run },
      containers: [{ id: cid, name: `gd-res-vol-user-${process.pid}` }],
    })
    expect(row.mountpoint).toMatch(/^\//)
    expect(row.sizeBytes === null || typeof row.sizeBytes === 'number').toBe(true)
    expect((await api.get(path(`/volumes/${name}`))).json.Name).toBe(name)
  })

  it('refuses to remove a volume in use with 409 naming the container, and removes an unused one', async () => {
    const name = createVolume(`gd-res-vol-inuse-${process.pid}`)
    createContainer(`gd-res-vol-holder-${process.pid}`, env.busyboxImage, ['-v', `${name}:/data`])
    const refused = await api.delete(path(`/volumes/${name}`))
    expect(refused.status).toBe(409)
    expect(refused.json.error).toMatchObject({ code: 'conflict' })
    expect(refused.json.error.message).toContain(`gd-res-vol-holder-${process.pid}`)
    expect(exists(['volume', 'inspect', name])).toBe(true)
    const unused = createVolume(`gd-res-vol-free-${process.pid}`)
    expect((await api.delete(path(`/volumes/${unused}`))).status).toBe(204)
    expect(exists(['volume', 'inspect', unused])).toBe(false)
  })

  it('previews exactly the unused volumes the prune then removes, and never one in use', async () => {
    const a = createVolume(`gd-res-vol-prune-a-${process.pid}`)
    const b = createVolume(`gd-res-vol-prune-b-${process.pid}`)
    const held = createVolume(`gd-res-vol-prune-held-${process.pid}`)
    createContainer(`gd-res-vol-prune-holder-${process.pid}`, env.busyboxImage, ['-v', `${held}:/data`])
    // all=true: named volumes too, on engines (API ≥ 1.42) that would otherwise prune anonymous ones only.
    const preview = await api.get(path(`/volumes-prune?all=true&${labelQuery}`))
    expect(preview.status).toBe(200)
    const previewed = preview.json.items.map((i: { id: string }) => i.id)
    expect(previewed).toEqual(expect.arrayContaining([a, b]))
    expect(previewed).not.toContain(held)
    const pruned = await api.post(path(`/volumes/prune?all=true&${labelQuery}`))
    expect(pruned.status).toBe(200)
    expect(pruned.json.removed).toEqual(expect.arrayContaining([a, b]))
    expect(pruned.json.removed).not.toContain(held)
    expect(exists(['volume', 'inspect', held])).toBe(true)
  })
})

describe('networks over REST', () => {
  it('lists a network with its containers, and the engine’s own networks as built-in', async () => {
    const name = `gd-res-net-list-${process.pid}`
    const id = createNetwork(name)
    const cid = containers.run(`gd-res-net-user-${process.pid}`, 'sleep 300', ['--network', name])
    const res = await api.get(path('/networks'))
    const row = res.json.find((n: { id: string }) => n.id === id)
    expect(row).toMatchObject({
      shortId: id.slice(0, 12),
      name,
      driver: 'bridge',
      scope: 'local',
      internal: false,
      builtin: false,
      containers: [{ id: cid, name: `gd-res-net-user-${process.pid}` }],
    })
    expect(
      res.json
        .filter((n: { builtin: boolean }) => n.builtin)
        .map((n: { name: string }) => n.name)
        .sort(),
    ).toEqual(['bridge', 'host', 'none'])
    expect((await api.get(path(`/networks/${id}`))).json.Name).toBe(name)
  })

  it('refuses a built-in network with 400, one in use with 409 naming the container, and removes an unused one', async () => {
    for (const builtin of ['bridge', 'host', 'none']) {
      const res = await api.delete(path(`/networks/${builtin}`))
      expect(res.status).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field: 'networkId' })
    }
    expect(exists(['network', 'inspect', 'bridge'])).toBe(true)
    const name = `gd-res-net-inuse-${process.pid}`
    createNetwork(name)
    containers.run(`gd-res-net-holder-${process.pid}`, 'sleep 300', ['--network', name])
    const refused = await api.delete(path(`/networks/${name}`))
    expect(refused.status).toBe(409)
    expect(refused.json.error.code).toBe('conflict')
    expect(refused.json.error.message).toContain(`gd-res-net-holder-${process.pid}`)
    const free = `gd-res-net-free-${process.pid}`
    createNetwork(free)
    expect((await api.delete(path(`/networks/${free}`))).status).toBe(204)
    expect(exists(['network', 'inspect', free])).toBe(false)
  })

  it('previews exactly the unused networks the prune then removes, and never one in use', async () => {
    const a = createNetwork(`gd-res-net-prune-a-${process.pid}`)
    const b = createNetwork(`gd-res-net-prune-b-${process.pid}`)
    const heldName = `gd-res-net-prune-held-${process.pid}`
    const held = createNetwork(heldName)
    containers.run(`gd-res-net-prune-holder-${process.pid}`, 'sleep 300', ['--network', heldName])
    const preview = await api.get(path(`/networks-prune?${labelQuery}`))
    expect(preview.status).toBe(200)
    const previewed = preview.json.items.map((i: { id: string }) => i.id)
    expect(previewed).toEqual(expect.arrayContaining([a, b]))
    expect(previewed).not.toContain(held)
    expect(preview.json.spaceBytes).toBe(0)
    const pruned = await api.post(path(`/networks/prune?${labelQuery}`))
    expect(pruned.json).toMatchObject({ spaceReclaimedBytes: 0 })
    expect(pruned.json.removed).toEqual(expect.arrayContaining([a, b]))
    expect(pruned.json.removed).not.toContain(held)
    expect(exists(['network', 'inspect', heldName])).toBe(true)
  })
})

describe('live updates', () => {
  it('pushes resources.changed over the WebSocket when a volume is created with the CLI', async () => {
    const client = await wsClient(serve.url, serve.adminToken)
    client.subscribe('resources.changed')
    await new Promise((r) => setTimeout(r, 200))
    createVolume(`gd-res-vol-event-${process.pid}`)
    const event = await client.next(
      (m) => m.type === 'event' && m.event === 'resources.changed' && m.payload.kind === 'volume',
    )
    expect(event.payload).toEqual({ hostId, kind: 'volume' })
    client.close()
  })
})

describe('hostile input', () => {
  // Other specs change the engine meanwhile, so "nothing removed" is checked on objects of this run.
  let sentinels: string[][]
  beforeAll(() => {
    const image = importImage(`gd-res/sentinel-${run}:v1`)
    const volume = createVolume(`gd-res-sentinel-${process.pid}`)
    const network = createNetwork(`gd-res-sentinel-${process.pid}`)
    sentinels = [
      ['image', 'inspect', image],
      ['volume', 'inspect', volume],
      ['network', 'inspect', network],
    ]
  })

  it.each([
    ['/images/..%2Fx', 'imageId'],
    ['/images/a%2F%2Fb', 'imageId'],
    ['/images/-x', 'imageId'],
    ['/images/a%20b', 'imageId'],
    ['/images/x%2F..%2F..%2Fversion', 'imageId'],
    ['/volumes/-x', 'name'],
    ['/volumes/a%20b', 'name'],
    ['/volumes/..%2Fetc', 'name'],
    ['/networks/a%20b', 'networkId'],
    ['/networks/-x', 'networkId'],
  ])('refuses DELETE %s with 400 naming %s, and removes nothing', async (rest, field) => {
    const res = await api.delete(path(rest))
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'validation', field })
    expect((await api.get(path(rest))).status).toBe(400)
    for (const args of sentinels) expect(exists(args), args.join(' ')).toBe(true)
  })

  it('refuses bad prune options and label filters with 400 naming the field', async () => {
    expect((await api.get(path('/images-prune?all=maybe'))).json.error).toMatchObject({ field: 'all' })
    expect((await api.get(path('/volumes-prune?label=%20x'))).json.error).toMatchObject({ field: 'labels.0' })
    const networks = await api.post(path('/networks/prune?all=true'))
    expect(networks.status).toBe(400)
    expect(networks.json.error.code).toBe('validation')
  })
})
