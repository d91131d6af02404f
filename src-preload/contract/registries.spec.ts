import { describe, expect, it } from 'vitest'
import { normalizeRegistryServer } from './grammar'
import { CreateRegistryInput } from './registries'

describe('registry server names', () => {
  it('are lowercase host[:port], with every spelling of Docker Hub as docker.io', () => {
    const cases: [string, string][] = [
      ['docker.io', 'docker.io'],
      ['index.docker.io', 'docker.io'],
      ['registry-1.docker.io', 'docker.io'],
      ['https://index.docker.io/v1/', 'docker.io'],
      ['  Registry.Example.com:5000 ', 'registry.example.com:5000'],
      ['http://127.0.0.1:5000/v2/', '127.0.0.1:5000'],
      ['localhost', 'localhost'],
      ['localhost:5000', 'localhost:5000'],
      ['ghcr.io/', 'ghcr.io'],
    ]
    for (const [input, normal] of cases) expect(normalizeRegistryServer(input), input).toBe(normal)
  })

  it('refuse what no image reference could name as its registry', () => {
    for (const input of [
      '',
      'myregistry',
      'registry.example.com:0',
      'registry.example.com:65536',
      'registry.example.com:05000',
      'ghcr.io/org',
      'ftp://ghcr.io',
      '[::1]:5000',
      'a b.com',
      'evil.com\r\nX-Injected: 1',
      'evil.com/../x',
      '-x.com',
      '1.2.3',
      'user@registry.example.com',
    ]) {
      expect(normalizeRegistryServer(input), JSON.stringify(input)).toBeNull()
    }
  })

  it('come out of the create schema normalized, and a bad one names the server field', () => {
    const ok = CreateRegistryInput.parse({ server: 'Index.Docker.IO', username: 'me', password: 'pw' })
    expect(ok.server).toBe('docker.io')
    const bad = CreateRegistryInput.safeParse({ server: 'not a host', username: 'me', password: 'pw' })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0]!.path).toEqual(['server'])
    const colon = CreateRegistryInput.safeParse({ server: 'ghcr.io', username: 'a:b', password: 'pw' })
    expect(colon.error!.issues[0]!.path).toEqual(['username'])
  })
})
