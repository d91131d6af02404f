import { describe, expect, it } from 'vitest'
import { bundledMigrations } from '../../infra/sqlite/bundled-migrations'
import { openDatabase } from '../../infra/sqlite/open-database'
import { DeploymentStore } from './deployment-store'

/** The store on a real SQLite database with every migration applied. */
function fixture() {
  const db = openDatabase(':memory:', { migrations: bundledMigrations })
  db.prepare(
    `INSERT INTO hosts (id, name, kind, socket_path, created_at) VALUES ('h1', 'local', 'local', '/run/docker.sock', '')`,
  ).run()
  db.prepare(`INSERT INTO projects (id, host_id, name, created_at) VALUES ('p1', 'h1', 'shop', '')`).run()
  for (const [id, name] of [
    ['s1', 'web'],
    ['s2', 'api'],
  ])
    db.prepare(
      `INSERT INTO services (id, project_id, name, spec, sealed_env, spec_hash, origin, desired_state, created_at,
         updated_at) VALUES (?, 'p1', ?, '{}', '', 'h', 'created', 'running', '', '')`,
    ).run(id, name)
  const store = new DeploymentStore(db)
  let clock = 0
  const deployed = (id: string, serviceId: string, imageId: string, status: 'succeeded' | 'failed' = 'succeeded') => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString()
    store.insert({
      id,
      serviceId,
      projectId: 'p1',
      hostId: 'h1',
      trigger: 'manual',
      imageTag: `app:${imageId}`,
      imageId,
      buildId: null,
      commit: null,
      rollbackOf: null,
      createdAt: at,
    })
    store.finish(id, { status, durationMs: 1, at })
  }
  return { db, store, deployed }
}

describe('protected images', () => {
  it('are the images of each service’s last N successful deployments, with who keeps them', () => {
    const { store, deployed } = fixture()
    for (let i = 1; i <= 7; i++) deployed(`a${i}`, 's1', `img-a${i}`)
    deployed('a8', 's1', 'img-failed', 'failed')
    deployed('b1', 's2', 'img-b1')
    const kept = store.protectedImages('h1', 5)
    expect(
      kept
        .filter((k) => k.serviceId === 's1')
        .map((k) => k.imageId)
        .sort(),
    ).toEqual(['img-a3', 'img-a4', 'img-a5', 'img-a6', 'img-a7'].sort())
    expect(kept.find((k) => k.imageId === 'img-b1')?.label).toBe('shop/api')
    expect(kept.some((k) => k.imageId === 'img-failed')).toBe(false)
    expect(
      store
        .protectedImages('h1', 1)
        .map((k) => k.imageId)
        .sort(),
    ).toEqual(['img-a7', 'img-b1'])
    expect(store.protectedImages('other-host', 5)).toEqual([])
  })

  it('go with their service', () => {
    const { db, store, deployed } = fixture()
    deployed('a1', 's1', 'img-a1')
    db.prepare(`DELETE FROM services WHERE id = 's1'`).run()
    expect(store.protectedImages('h1', 5)).toEqual([])
    expect(store.get('a1')).toBeUndefined()
  })
})

describe('the list', () => {
  it('is newest first, and the successful ones by when they finished', () => {
    const { store, deployed } = fixture()
    deployed('a1', 's1', 'i1')
    deployed('a2', 's1', 'i2', 'failed')
    deployed('a3', 's1', 'i3')
    expect(store.ofService('s1', 10).map((d) => d.id)).toEqual(['a3', 'a2', 'a1'])
    expect(store.ofService('s1', 2).map((d) => d.id)).toEqual(['a3', 'a2'])
    expect(store.succeeded('s1').map((d) => d.id)).toEqual(['a3', 'a1'])
  })
})
