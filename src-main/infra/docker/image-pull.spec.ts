import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeRegistryAuth, pullImage, type PullRequest } from './image-pull'
import type { PullProgress } from './pull-progress'

/** A fake engine on a unix socket: each test says how `POST /images/create` answers. */
let dir: string
let server: Server
let docker: Dockerode
let answer: (req: IncomingMessage, res: ServerResponse) => void
const seen: { url: string; auth: string | undefined; closed: Promise<void> }[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gd-pull-'))
  server = createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      auth: req.headers['x-registry-auth'] as string | undefined,
      closed: new Promise((resolve) => res.once('close', () => resolve())),
    })
    answer(req, res)
  })
  const socketPath = join(dir, 'engine.sock')
  await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  docker = new Dockerode({ socketPath, version: 'v1.41' })
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

const request: PullRequest = { fromImage: '127.0.0.1:5000/team/app', tag: '1', registry: '127.0.0.1:5000' }
const withAuth: PullRequest = {
  ...request,
  auth: { username: 'ci', password: 'p+/w?>>', serveraddress: '127.0.0.1:5000' },
}
const line = (value: object): string => `${JSON.stringify(value)}\r\n`
const failWith = (status: number, message: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify({ message }))
}

describe('pullImage against an engine', () => {
  it('asks for fromImage and tag, with the login as padded base64url JSON', async () => {
    answer = (_req, res) => res.end(line({ status: 'Status: Image is up to date for 127.0.0.1:5000/team/app:1' }))
    await pullImage(docker, withAuth)
    const { url, auth } = seen.at(-1)!
    expect(url).toBe('/v1.41/images/create?fromImage=127.0.0.1%3A5000%2Fteam%2Fapp&tag=1')
    expect(auth).toBe(encodeRegistryAuth(withAuth.auth!))
    expect(auth).toMatch(/^[A-Za-z0-9_-]+=*$/)
    expect(auth!.length % 4).toBe(0)
    expect(JSON.parse(Buffer.from(auth!, 'base64url').toString('utf8'))).toEqual(withAuth.auth)
    await pullImage(docker, request)
    expect(seen.at(-1)!.auth).toBeUndefined()
  })

  it('reads NDJSON split anywhere across chunks and ends with one report of 100', async () => {
    const text = [
      line({ status: 'Pulling from team/app', id: '1' }),
      line({ status: 'Downloading', id: 'a', progressDetail: { current: 500, total: 1000 } }),
      line({ status: 'Downloading', id: 'a', progressDetail: { current: 1000, total: 1000 } }),
      line({ status: 'Extracting', id: 'a', progressDetail: { current: 1000, total: 1000 } }),
      line({ status: 'Pull complete', id: 'a', progressDetail: {} }),
      line({ status: 'Digest: sha256:0123' }),
      line({ status: 'Status: Downloaded newer image for 127.0.0.1:5000/team/app:1' }),
    ].join('')
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      let at = 0
      const next = (): void => {
        if (at >= text.length) return void res.end()
        res.write(text.slice(at, (at += 7)))
        setTimeout(next, 1)
      }
      next()
    }
    const reports: PullProgress[] = []
    const outcome = await pullImage(docker, request, { onProgress: (p) => reports.push(p), progressIntervalMs: 0 })
    expect(outcome).toEqual({
      image: '127.0.0.1:5000/team/app:1',
      digest: 'sha256:0123',
      upToDate: false,
      status: 'Status: Downloaded newer image for 127.0.0.1:5000/team/app:1',
    })
    const percents = reports.map((r) => r.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(percents).toContain(25)
    expect(percents.filter((p) => p === 100)).toHaveLength(1)
    expect(reports.at(-1)).toEqual({ percent: 100, message: outcome.status })
  })

  it('fails on an error line inside the 200 stream, without a report of 100', async () => {
    answer = (_req, res) => {
      res.write(line({ status: 'Downloading', id: 'a', progressDetail: { current: 1, total: 10 } }))
      res.end(
        line({ error: 'write /var/lib/docker/tmp: no space left on device', errorDetail: { message: 'no space' } }),
      )
    }
    const reports: PullProgress[] = []
    const err = await pullImage(docker, request, { onProgress: (p) => reports.push(p) }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'internal', message: 'Pull of 127.0.0.1:5000/team/app:1 failed: no space' })
    expect(reports.some((r) => r.percent === 100)).toBe(false)
  })

  it('reads a refusal for missing credentials as registry_auth_failed naming the registry', async () => {
    answer = failWith(500, 'Head "http://127.0.0.1:5000/v2/team/app/manifests/1": no basic auth credentials')
    await expect(pullImage(docker, request)).rejects.toMatchObject({
      code: 'registry_auth_failed',
      message: expect.stringMatching(/^Registry 127\.0\.0\.1:5000 requires credentials .* none are stored for it/),
    })
  })

  it('reads a refusal of the stored login as registry_auth_failed naming the registry and the user', async () => {
    answer = failWith(500, 'unauthorized: authentication required')
    const err = await pullImage(docker, withAuth).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'registry_auth_failed',
      message:
        'Registry 127.0.0.1:5000 refused the credentials stored for user "ci" (unauthorized: authentication required)',
    })
    expect(JSON.stringify(err)).not.toContain(withAuth.auth!.password)
    expect((err as Error).message).not.toContain(withAuth.auth!.password)
  })

  it('reads the same refusal inside a 200 stream as registry_auth_failed too', async () => {
    answer = (_req, res) => res.end(line({ error: 'unauthorized: authentication required' }))
    await expect(pullImage(docker, withAuth)).rejects.toMatchObject({ code: 'registry_auth_failed' })
  })

  it('answers an unknown tag with not_found', async () => {
    answer = failWith(404, 'manifest for 127.0.0.1:5000/team/app:nope not found: manifest unknown')
    await expect(pullImage(docker, { ...request, tag: 'nope' })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('127.0.0.1:5000/team/app:nope'),
    })
  })

  it('rejects promptly on abort mid-stream and closes the connection to the engine', async () => {
    answer = (_req, res) =>
      res.write(line({ status: 'Downloading', id: 'a', progressDetail: { current: 1, total: 9 } }))
    const controller = new AbortController()
    let abortedAt = 0
    const err = await pullImage(docker, request, {
      signal: controller.signal,
      onProgress: () => {
        setTimeout(() => {
          abortedAt = performance.now()
          controller.abort()
        }, 20)
      },
    }).catch((e: unknown) => e)
    expect(performance.now() - abortedAt).toBeLessThan(100)
    expect(err).toMatchObject({
      code: 'internal',
      message: 'Pull of 127.0.0.1:5000/team/app:1 was canceled before it finished',
    })
    // The engine sees its client go, which is what makes it stop pulling.
    await seen.at(-1)!.closed
    expect(performance.now() - abortedAt).toBeLessThan(1000)
  })

  it('hands back the abort reason when it is an AppError, and never connects when already aborted', async () => {
    const { AppError } = await import('../../core/shared/app-error')
    const controller = new AbortController()
    controller.abort(new AppError('conflict', 'the service is being deleted'))
    const before = seen.length
    await expect(pullImage(docker, request, { signal: controller.signal })).rejects.toMatchObject({
      code: 'conflict',
      message: 'the service is being deleted',
    })
    expect(seen.length).toBe(before)
  })

  it('reads a connection cut mid-stream as docker_unreachable', async () => {
    answer = (req, res) => {
      res.write(line({ status: 'Pulling from team/app', id: '1' }))
      setTimeout(() => req.socket.destroy(), 10)
    }
    await expect(pullImage(docker, request)).rejects.toMatchObject({ code: 'docker_unreachable' })
  })
})
