import { describe, expect, it } from 'vitest'
import { createLogger } from '../logging/logger'
import { classifyError, networkFailure } from './ssh-connect'

const error = (message: string, fields: { code?: string; level?: string } = {}) =>
  Object.assign(new Error(message), fields)

describe('networkFailure', () => {
  it.each([
    [
      error('connect ECONNREFUSED 10.0.0.5:22', { code: 'ECONNREFUSED' }),
      'The SSH port 22 on 10.0.0.5 is closed (connection refused)',
    ],
    [
      error('getaddrinfo ENOTFOUND', { code: 'ENOTFOUND', level: 'client-dns' }),
      'The host name 10.0.0.5 could not be resolved',
    ],
    [error('connect EHOSTUNREACH', { code: 'EHOSTUNREACH' }), 'There is no network route to 10.0.0.5'],
    [error('read ECONNRESET', { code: 'ECONNRESET' }), 'The connection to 10.0.0.5:22 was reset'],
    [
      error('Keepalive timeout', { level: 'client-timeout' }),
      'The SSH link to 10.0.0.5:22 stopped answering (keepalive)',
    ],
    [
      error('Timed out while waiting for handshake', { level: 'client-timeout' }),
      '10.0.0.5:22 did not answer within 10 s (the host is down, or a firewall drops the connection)',
    ],
    [error('something odd'), 'The SSH connection to 10.0.0.5:22 failed: something odd'],
  ])('describes %s as host_unreachable in one sentence', (err, message) => {
    expect(networkFailure(err, '10.0.0.5', 22, 10_000)).toEqual({ code: 'host_unreachable', message })
  })
})

describe('classifyError', () => {
  const opts = {
    target: { host: 'h', port: 22, username: 'deploy', auth: { kind: 'password' as const, password: 'pw' } },
    pinnedFingerprint: 'SHA256:' + 'A'.repeat(43),
    remoteSocketPath: '/var/run/docker.sock',
    logger: createLogger({ level: 'silent' }),
  }

  it('names the user whose credentials were refused, and never the credential', () => {
    const failure = classifyError(
      error('All configured authentication methods failed', { level: 'client-authentication' }),
      {},
      opts,
      'deploy@h:22',
    )
    expect(failure).toEqual({
      code: 'ssh_auth_failed',
      message: 'The server refused the credentials for user deploy (deploy@h:22)',
    })
  })

  it('leaves network errors to be retried', () => {
    expect(
      classifyError(error('refused', { code: 'ECONNREFUSED', level: 'client-socket' }), {}, opts, 'x'),
    ).toBeUndefined()
  })

  it('reports a refused host key with the key the server presented', () => {
    const failure = classifyError(error('Handshake failed'), { rejectedKey: 'ssh-ed25519 SHA256:xyz' }, opts, 'x')
    expect(failure).toMatchObject({ code: 'host_key_mismatch', message: expect.stringContaining('SHA256:xyz') })
  })
})
