import { describe, expect, it } from 'vitest'
import { DEFAULT_DRAIN_SECONDS } from './core/deploys/traffic-switch'
import { routingEnv } from './routing-env'

describe('routingEnv', () => {
  it("leaves everything to the domains' defaults when nothing (or only blanks) is set", () => {
    const expected = { drainMs: DEFAULT_DRAIN_SECONDS * 1000 }
    expect(routingEnv({})).toEqual(expected)
    expect(
      routingEnv({
        GLINRDOCK_PROXY_NAME: '',
        GLINRDOCK_PROXY_BIND: ' ',
        GLINRDOCK_PROXY_DRAIN_SECONDS: '',
        GLINRDOCK_ACME_CA_FILE: '',
        GLINRDOCK_CERT_CHECK_MS: '',
      }),
    ).toEqual(expected)
  })

  it('reads every setting', () => {
    expect(
      routingEnv({
        GLINRDOCK_PROXY_NAME: 'gd-proxy-1',
        GLINRDOCK_PROXY_BIND: '127.0.0.1',
        GLINRDOCK_PROXY_DRAIN_SECONDS: '0',
        GLINRDOCK_ACME_CA_FILE: '/etc/pebble/ca.pem',
        GLINRDOCK_CERT_CHECK_MS: '500',
      }),
    ).toEqual({
      proxyName: 'gd-proxy-1',
      proxyBind: '127.0.0.1',
      drainMs: 0,
      acmeCaFile: '/etc/pebble/ca.pem',
      certCheckMs: 500,
    })
    expect(routingEnv({ GLINRDOCK_PROXY_BIND: '::1' }).proxyBind).toBe('::1')
  })

  it('refuses a value that is set but wrong, naming the variable', () => {
    for (const [name, value] of [
      ['GLINRDOCK_PROXY_NAME', '-proxy'],
      ['GLINRDOCK_PROXY_NAME', 'a/b'],
      ['GLINRDOCK_PROXY_BIND', 'localhost'],
      ['GLINRDOCK_PROXY_BIND', '0.0.0.0:80'],
      ['GLINRDOCK_PROXY_DRAIN_SECONDS', '-1'],
      ['GLINRDOCK_PROXY_DRAIN_SECONDS', '1.5'],
      ['GLINRDOCK_PROXY_DRAIN_SECONDS', '601'],
      ['GLINRDOCK_PROXY_DRAIN_SECONDS', '0x10'],
      ['GLINRDOCK_CERT_CHECK_MS', '10'],
      ['GLINRDOCK_CERT_CHECK_MS', 'often'],
    ]) {
      expect(() => routingEnv({ [name!]: value }), `${name}=${value}`).toThrow(name)
    }
  })
})
