import { describe, expect, it } from 'vitest'
import { engineTag, parseImageReference } from './image-reference'

describe('parseImageReference', () => {
  it('puts references without a registry part on Docker Hub, with latest as the default tag', () => {
    for (const ref of ['nginx', 'library/nginx', 'team/app', 'a/b/c']) {
      const parsed = parseImageReference(ref)
      expect(parsed).toEqual({ registry: 'docker.io', name: ref, tag: null, digest: null })
      expect(engineTag(parsed)).toBe('latest')
    }
  })

  it('reads the first component as the registry when it has a dot or a port, or is localhost', () => {
    expect(parseImageReference('127.0.0.1:5000/team/app:1')).toEqual({
      registry: '127.0.0.1:5000',
      name: '127.0.0.1:5000/team/app',
      tag: '1',
      digest: null,
    })
    expect(parseImageReference('ghcr.io/org/tool').registry).toBe('ghcr.io')
    expect(parseImageReference('localhost/app:dev')).toMatchObject({ registry: 'localhost', name: 'localhost/app' })
    expect(parseImageReference('localhost:5000/app')).toMatchObject({ registry: 'localhost:5000', tag: null })
    expect(parseImageReference('Registry.Example.COM:443/x/y:2.1').registry).toBe('registry.example.com:443')
  })

  it('folds the spellings of Docker Hub into docker.io, like stored logins', () => {
    for (const ref of ['docker.io/library/nginx', 'index.docker.io/library/nginx', 'registry-1.docker.io/x/y']) {
      expect(parseImageReference(ref).registry).toBe('docker.io')
    }
  })

  it('tells a tag from a registry port, and sends the digest as the engine tag when there is one', () => {
    const digest = `sha256:${'a'.repeat(64)}`
    const both = parseImageReference(`localhost:5000/app:1.2@${digest}`)
    expect(both).toEqual({ registry: 'localhost:5000', name: 'localhost:5000/app', tag: '1.2', digest })
    expect(engineTag(both)).toBe(digest)
    expect(engineTag(parseImageReference(`app@${digest}`))).toBe(digest)
  })

  it('refuses image ids, hostile strings and registries that are not host[:port], naming the field', () => {
    for (const ref of [
      '',
      `sha256:${'a'.repeat(64)}`,
      'UPPER/case',
      'a b',
      '../etc/passwd',
      'x//y',
      '-x',
      'app:tag;rm -rf /',
      'registry.example.com:0/app',
      'registry.example.com:99999/app',
      'a'.repeat(600),
    ]) {
      expect(() => parseImageReference(ref), ref).toThrow(
        expect.objectContaining({ code: 'validation', field: 'reference' }),
      )
    }
  })
})
