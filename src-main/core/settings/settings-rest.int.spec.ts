import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../../e2e/fixtures/api-client'
import { startServe, type ServeProcess } from '../../../e2e/fixtures/serve-process'
import { LETSENCRYPT_DIRECTORY, LETSENCRYPT_STAGING_DIRECTORY } from '../../../src-preload/contract/cicd'

/** The ACME settings through `GET`/`PUT /v1/settings` on the real server. */
let serve: ServeProcess
let api: ReturnType<typeof apiClient>
let viewer: ReturnType<typeof apiClient>

beforeAll(async () => {
  serve = await startServe()
  api = apiClient(serve.url, serve.adminToken)
  viewer = apiClient(serve.url, (await api.post('/v1/tokens', { name: 'viewer', role: 'viewer' })).json.token)
})

afterAll(async () => {
  await serve?.stop()
})

describe('ACME settings', () => {
  it("start at Let's Encrypt production without a contact", async () => {
    const res = await viewer.get('/v1/settings')
    expect(res.status, res.text).toBe(200)
    expect(res.json).toMatchObject({ acmeDirectoryUrl: LETSENCRYPT_DIRECTORY, acmeEmail: null })
  })

  it('are set by an admin only, kept when left out, and reset by null', async () => {
    const body = { acmeDirectoryUrl: LETSENCRYPT_STAGING_DIRECTORY, acmeEmail: 'ops@example.com' }
    expect((await viewer.put('/v1/settings', body)).status).toBe(403)
    expect((await api.get('/v1/settings')).json.acmeEmail).toBeNull()
    const set = await api.put('/v1/settings', body)
    expect(set.status, set.text).toBe(200)
    expect(set.json).toMatchObject(body)
    expect((await api.put('/v1/settings', { protectedDeployments: 4 })).json).toMatchObject(body)
    const reset = await api.put('/v1/settings', { acmeDirectoryUrl: null, acmeEmail: null })
    expect(reset.json).toMatchObject({ acmeDirectoryUrl: LETSENCRYPT_DIRECTORY, acmeEmail: null })
  })

  it('refuse a directory that is not https and an email that is not one, naming the field', async () => {
    for (const [body, field] of [
      [{ acmeDirectoryUrl: 'http://127.0.0.1:14000/dir' }, 'acmeDirectoryUrl'],
      [{ acmeDirectoryUrl: 'https://user:pass@acme.example/dir' }, 'acmeDirectoryUrl'],
      [{ acmeDirectoryUrl: 'file:///etc/passwd' }, 'acmeDirectoryUrl'],
      [{ acmeEmail: 'not an email' }, 'acmeEmail'],
      [{ acmeEmail: 'ops@example.com\nBcc: x@example.com' }, 'acmeEmail'],
    ] as const) {
      const res = await api.put('/v1/settings', body)
      expect(res.status, res.text).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'validation', field })
    }
    expect((await api.get('/v1/settings')).json).toMatchObject({
      acmeDirectoryUrl: LETSENCRYPT_DIRECTORY,
      acmeEmail: null,
    })
  })
})
