import { describe, expect, it } from 'vitest'
import { AppError } from '../../core/shared/app-error'
import { compareApiVersions } from './docker-client'
import { mapDockerError } from './docker-errors'

/** The shape docker-modem rejects with for a non-2xx answer. */
const httpError = (statusCode: number, json: unknown) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected`), { statusCode, json })

const sysError = (code: string, address?: string) =>
  Object.assign(new Error(`connect ${code}`), { code, syscall: 'connect', address })

describe('mapDockerError', () => {
  it('maps 404 to not_found naming the object', () => {
    const err = mapDockerError(httpError(404, { message: 'No such container: nope' }), 'container nope')
    expect(err).toMatchObject({ code: 'not_found', message: 'container nope not found' })
  })

  it('maps 409 to conflict and 400 to validation, keeping the daemon message', () => {
    const conflict = mapDockerError(httpError(409, { message: 'name "/web" is already in use' }), 'container web')
    expect(conflict.code).toBe('conflict')
    expect(conflict.message).toContain('already in use')
    expect(mapDockerError(httpError(400, Buffer.from('{"message":"bad filter"}')), 'events')).toMatchObject({
      code: 'validation',
      message: 'events: invalid request: bad filter',
    })
  })

  it('maps 304 (already started/stopped) to conflict and other statuses to internal', () => {
    expect(mapDockerError(httpError(304, null), 'container web').code).toBe('conflict')
    expect(mapDockerError(httpError(500, { message: 'boom' }), 'container web')).toMatchObject({
      code: 'internal',
      message: 'container web: Docker engine error 500: boom',
    })
  })

  it.each(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE'])(
    'maps the connection error %s to docker_unreachable',
    (code) => {
      const err = mapDockerError(sysError(code, '/run/docker.sock'), 'Docker engine')
      expect(err.code).toBe('docker_unreachable')
      expect(err.message).toContain('/run/docker.sock')
    },
  )

  it('maps a timeout abort to docker_unreachable and a caller abort to internal', () => {
    const timeout = Object.assign(new Error('The operation was aborted'), {
      name: 'AbortError',
      code: 'ABORT_ERR',
      cause: new DOMException('signal timed out', 'TimeoutError'),
    })
    expect(mapDockerError(timeout, 'Docker engine').code).toBe('docker_unreachable')
    const aborted = Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ABORT_ERR' })
    expect(mapDockerError(aborted, 'logs').code).toBe('internal')
  })

  it('returns an AppError unchanged and hides the text of unknown errors', () => {
    const own = new AppError('conflict', 'mine')
    expect(mapDockerError(own, 'x')).toBe(own)
    expect(mapDockerError(new TypeError('secret internals'), 'container web')).toMatchObject({
      code: 'internal',
      message: 'container web: unexpected Docker error',
    })
  })
})

describe('compareApiVersions', () => {
  it('compares numerically, not as strings', () => {
    expect(compareApiVersions('1.9', '1.41')).toBeLessThan(0)
    expect(compareApiVersions('1.47', '1.41')).toBeGreaterThan(0)
    expect(compareApiVersions('1.41', '1.41')).toBe(0)
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0)
  })
})
