import { describe, expect, it } from 'vitest'
import { CreateHostInput, HostLabels, TestHostInput, UpdateHostInput } from './hosts'

const id = 'abcdefghijkl'
const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('.'))

describe('host labels', () => {
  it('accepts Kubernetes-style keys and short values', () => {
    expect(HostLabels.parse({ env: 'prod', 'example.com/team': 'ops', a: '' })).toEqual({
      env: 'prod',
      'example.com/team': 'ops',
      a: '',
    })
  })

  it.each([['Upper'], ['-lead'], ['trail.'], ['sp ace'], ['k'.repeat(65)], ['']])('refuses the key %j', (key) => {
    expect(issues(HostLabels.safeParse({ [key]: 'v' }))).toEqual([key])
  })

  it('refuses values over 256 characters and more than 32 labels', () => {
    expect(issues(HostLabels.safeParse({ a: 'x'.repeat(257) }))).toEqual(['a'])
    expect(HostLabels.safeParse(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, '']))).success).toBe(
      false,
    )
  })

  it('are optional on create', () => {
    expect(CreateHostInput.parse({ name: 'x' }).labels).toBeUndefined()
  })
})

describe('UpdateHostInput', () => {
  it('takes any subset of fields, and at most one credential', () => {
    expect(UpdateHostInput.parse({ id, ssh: { port: 2222 } })).toEqual({ id, ssh: { port: 2222 } })
    expect(issues(UpdateHostInput.safeParse({ id, ssh: { password: 'a', agent: true } }))).toEqual(['ssh.agent'])
  })

  it('takes a passphrase only with the key it opens', () => {
    expect(issues(UpdateHostInput.safeParse({ id, ssh: { passphrase: 'p' } }))).toEqual(['ssh.passphrase'])
    expect(UpdateHostInput.safeParse({ id, ssh: { privateKeyPath: '/k', passphrase: 'p' } }).success).toBe(true)
  })

  it('refuses unknown fields', () => {
    expect(UpdateHostInput.safeParse({ id, kind: 'ssh' }).success).toBe(false)
  })
})

describe('TestHostInput', () => {
  it('needs a complete SSH part without an id, as create does', () => {
    expect(issues(TestHostInput.safeParse({ ssh: { host: 'h' } }))).toEqual(['ssh.username'])
    expect(issues(TestHostInput.safeParse({ ssh: { host: 'h', username: 'u' } }))).toEqual(['ssh.privateKeyPath'])
    expect(TestHostInput.safeParse({ ssh: { host: 'h', username: 'u', agent: true } }).success).toBe(true)
  })

  it('takes a partial SSH part with an id, and nothing at all for a local socket', () => {
    expect(TestHostInput.safeParse({ id, ssh: { username: 'u' } }).success).toBe(true)
    expect(TestHostInput.safeParse({}).success).toBe(true)
  })
})
