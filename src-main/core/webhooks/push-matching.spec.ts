import { describe, expect, it } from 'vitest'
import { decidePush, type GitServiceTarget, type PushEvent } from './push-matching'

const AFTER = 'a'.repeat(40)
const repository = {
  clone_url: 'https://github.com/acme/shop.git',
  ssh_url: 'git@github.com:acme/shop.git',
  git_url: 'git://github.com/acme/shop.git',
  html_url: 'https://github.com/acme/shop',
}
const push = (over: Partial<PushEvent> = {}): PushEvent => ({
  ref: 'refs/heads/main',
  after: AFTER,
  repository,
  ...over,
})
const service = (id: string, url: string, ref = 'main', autoDeploy = false): GitServiceTarget => ({
  id,
  projectId: 'p',
  git: { url, ref },
  autoDeploy,
})

describe('decidePush', () => {
  const services = [
    service('https', 'https://github.com/acme/shop'),
    service('scp', 'git@github.com:Acme/Shop.git'),
    service('ssh', 'ssh://git@github.com/acme/shop.git', 'main', true),
    service('git', 'git://github.com/acme/shop.git'),
    service('other-branch', 'https://github.com/acme/shop', 'develop'),
    service('other-repo', 'https://github.com/acme/shop-admin'),
    service('other-host', 'https://gitlab.com/acme/shop'),
    service('local', '/srv/git/shop.git'),
  ]

  it('builds the pushed commit for every service of that repository (any spelling) on that branch', () => {
    const decision = decidePush(push(), services)
    expect(decision).toMatchObject({ kind: 'build', branch: 'main', commit: AFTER })
    if (decision.kind !== 'build') throw new Error('expected a build')
    expect(decision.services.map((s) => s.id).sort()).toEqual(['git', 'https', 'scp', 'ssh'])
  })

  it('matches by any one of the URLs GitHub names the repository by', () => {
    const onlySsh = push({ repository: { ssh_url: 'git@github.com:acme/shop.git' } })
    expect(decidePush(onlySsh, services)).toMatchObject({ kind: 'build' })
    const onlyHtml = push({ repository: { html_url: 'https://github.com/acme/shop', clone_url: null } })
    expect(decidePush(onlyHtml, services)).toMatchObject({ kind: 'build' })
  })

  it('follows a branch with slashes exactly', () => {
    const decision = decidePush(push({ ref: 'refs/heads/feature/x' }), [
      service('a', 'https://github.com/acme/shop', 'feature/x'),
      service('b', 'https://github.com/acme/shop', 'x'),
    ])
    expect(decision.kind === 'build' && decision.services.map((s) => s.id)).toEqual(['a'])
  })

  it('does nothing for a push that deletes the branch', () => {
    expect(decidePush(push({ deleted: true, after: '0'.repeat(40) }), services)).toEqual({
      kind: 'ignored',
      reason: 'branch deleted',
    })
    // `after` all zeros is a deletion even without the flag.
    expect(decidePush(push({ after: '0'.repeat(40) }), services)).toMatchObject({ kind: 'ignored' })
    expect(decidePush(push({ deleted: true }), services)).toMatchObject({ kind: 'ignored' })
  })

  it('does nothing for tags, unknown repositories, other branches or a malformed commit', () => {
    expect(decidePush(push({ ref: 'refs/tags/v1' }), services)).toMatchObject({ kind: 'ignored' })
    expect(decidePush(push({ ref: 'refs/heads/nobody' }), services)).toMatchObject({ kind: 'ignored' })
    expect(decidePush(push({ after: 'main' }), services)).toMatchObject({ kind: 'ignored' })
    expect(decidePush(push({ after: '--upload-pack=id' }), services)).toMatchObject({ kind: 'ignored' })
    const elsewhere = push({ repository: { clone_url: 'https://github.com/someone/else.git' } })
    expect(decidePush(elsewhere, services)).toMatchObject({ kind: 'ignored' })
    expect(decidePush(push({ repository: {} }), services)).toMatchObject({ kind: 'ignored' })
  })
})
