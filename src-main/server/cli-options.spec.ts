import { describe, expect, it } from 'vitest'
import { DEFAULT_PORT, DEFAULT_REST_RATE, parseServeArgs } from './cli-options'

const env = { GLINRDOCK_DATA_DIR: '/var/lib/glinrdock' }

describe('serve options', () => {
  it('defaults to loopback and the data dir from the environment', () => {
    expect(parseServeArgs([], env)).toEqual({
      dataDir: '/var/lib/glinrdock',
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      allowRemote: false,
      allowedHosts: [],
      resetAdminToken: false,
      restRatePerMinute: DEFAULT_REST_RATE,
    })
    expect(parseServeArgs(['--rest-rate', '30'], env).restRatePerMinute).toBe(30)
    expect(() => parseServeArgs(['--rest-rate', '0x10'], env)).toThrow(/whole number/)
    expect(parseServeArgs(['--reset-admin-token'], env).resetAdminToken).toBe(true)
  })

  it('reads --data-dir and --listen in both spellings, IPv6 included', () => {
    expect(parseServeArgs(['--data-dir', '/d', '--listen=[::1]:9000'], env)).toMatchObject({
      dataDir: '/d',
      host: '::1',
      port: 9000,
    })
    expect(parseServeArgs(['--listen', 'localhost:0'], env)).toMatchObject({ host: 'localhost', port: 0 })
  })

  it('refuses a non-loopback address unless --allow-remote is given', () => {
    expect(() => parseServeArgs(['--listen', '0.0.0.0:8080'], env)).toThrow(/--allow-remote/)
    expect(() => parseServeArgs(['--listen', '192.0.2.10:8080'], env)).toThrow(/not a loopback/)
    expect(parseServeArgs(['--listen', '0.0.0.0:8080', '--allow-remote'], env)).toMatchObject({
      host: '0.0.0.0',
      allowRemote: true,
    })
  })

  it('rejects malformed values and unknown flags', () => {
    expect(() => parseServeArgs(['--listen', '8080'], env)).toThrow(/HOST:PORT/)
    expect(() => parseServeArgs(['--listen', '127.0.0.1:70000'], env)).toThrow(/HOST:PORT/)
    expect(() => parseServeArgs(['--data-dir'], env)).toThrow(/needs a value/)
    expect(() => parseServeArgs(['--verbose'], env)).toThrow(/Unknown option/)
  })
})
