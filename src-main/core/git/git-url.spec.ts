import { describe, expect, it } from 'vitest'
import { isAppError } from '../shared/app-error'
import { checkGitRef, gitProtocolOf, redactGitUrl } from './git-url'

const refusal = (run: () => unknown): string => {
  try {
    run()
  } catch (err) {
    if (isAppError(err) && err.code === 'validation') return err.field ?? ''
    throw err
  }
  throw new Error('accepted')
}

describe('gitProtocolOf', () => {
  it.each([
    ['https://github.com/acme/app.git', 'https'],
    ['ssh://git@github.com/acme/app.git', 'ssh'],
    ['git@github.com:acme/app.git', 'ssh'],
    ['git://127.0.0.1:9418/app.git', 'git'],
    ['/srv/git/app.git', 'file'],
  ])('accepts %s as %s', (url, protocol) => {
    expect(gitProtocolOf(url)).toBe(protocol)
  })

  it.each([
    '--upload-pack=touch /tmp/x',
    '-utouch /tmp/x',
    '-u',
    'ext::sh -c touch% /tmp/x',
    'ext::sh',
    'fd::17',
    'https::x',
    'file:///etc',
    'http://example.com/a.git',
    'relative/path',
    'ssh://-oProxyCommand=touch%20x/a',
    'ssh://git@-oProxyCommand=x/a',
    'git@-oProxyCommand=touch:x',
    'git@host:-x',
    'https://host/a b',
    'https://host/a\nb',
    '',
  ])('refuses %j', (url) => {
    expect(refusal(() => gitProtocolOf(url))).toBe('url')
  })
})

describe('checkGitRef', () => {
  it.each(['main', 'v1', 'feature/x', 'refs/heads/main', 'a09019992ccff68fe6b047cb16c9c1df56c51cf0'])(
    'accepts %s',
    (ref) => expect(checkGitRef(ref)).toBe(ref),
  )

  it.each([
    '--upload-pack=touch x',
    '-u',
    '-',
    '$(touch x)',
    'a b',
    'a..b',
    'a~1',
    'a^',
    'a:b',
    'a@{1}',
    '@',
    '.hidden',
    'x.lock',
    'a//b',
    '/a',
    'a/',
    'a\\b',
    'a*',
    'a[1]',
    'a?',
  ])('refuses %j', (ref) => {
    expect(refusal(() => checkGitRef(ref))).toBe('ref')
  })
})

describe('redactGitUrl', () => {
  it('drops passwords and https tokens, keeps ssh users', () => {
    expect(redactGitUrl('https://user:hunter2@github.com/a.git')).toBe('https://user:***@github.com/a.git')
    expect(redactGitUrl('https://ghp_secret@github.com/a.git')).toBe('https://***@github.com/a.git')
    expect(redactGitUrl('ssh://git@github.com/a.git')).toBe('ssh://git@github.com/a.git')
    expect(redactGitUrl('git@github.com:a.git')).toBe('git@github.com:a.git')
  })
})
