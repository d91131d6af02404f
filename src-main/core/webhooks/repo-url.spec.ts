import { describe, expect, it } from 'vitest'
import { normalizeRepoUrl } from './repo-url'

describe('normalizeRepoUrl', () => {
  it.each([
    ['git@github.com:o/r.git', 'github.com/o/r'],
    ['https://github.com/o/r', 'github.com/o/r'],
    ['https://github.com/o/r.git', 'github.com/o/r'],
    ['https://github.com/o/r/', 'github.com/o/r'],
    ['ssh://git@github.com/o/r.git', 'github.com/o/r'],
    ['ssh://git@github.com:22/o/r.git', 'github.com/o/r'],
    ['ssh://git@ssh.github.com:443/o/r.git', 'ssh.github.com/o/r'],
    ['git://github.com/o/r.git', 'github.com/o/r'],
    ['https://GitHub.com/Owner/Repo.GIT', 'github.com/owner/repo'],
    ['https://user:token@github.com/o/r.git', 'github.com/o/r'],
    ['https://github.com:443/o/r', 'github.com/o/r'],
    ['http://github.com/o/r', 'github.com/o/r'],
    // Other hosts: host lower-cased and port dropped, the path's case kept.
    ['git@Git.Example.com:Team/App.git', 'git.example.com/Team/App'],
    ['ssh://git@git.example.com:2222/Team/App.git', 'git.example.com/Team/App'],
    ['https://git.example.com/Team/App', 'git.example.com/Team/App'],
    ['git://127.0.0.1:9418/app.git', '127.0.0.1/app'],
    ['https://gitlab.example.com/group/sub/app.git', 'gitlab.example.com/group/sub/app'],
    // Local paths are their own kind.
    ['/srv/git/app.git', 'file:/srv/git/app'],
    ['/srv/git/app', 'file:/srv/git/app'],
  ])('%s → %s', (url, expected) => {
    expect(normalizeRepoUrl(url)).toBe(expected)
  })

  it('makes the four spellings of one GitHub repository equal', () => {
    const spellings = [
      'git@github.com:o/r.git',
      'https://github.com/o/r',
      'ssh://git@github.com/o/r.git',
      'git://github.com/o/r.git',
    ]
    expect(new Set(spellings.map(normalizeRepoUrl))).toEqual(new Set(['github.com/o/r']))
  })

  it('keeps different repositories apart', () => {
    expect(normalizeRepoUrl('https://github.com/o/r')).not.toBe(normalizeRepoUrl('https://github.com/o/r2'))
    expect(normalizeRepoUrl('https://github.com/o/r')).not.toBe(normalizeRepoUrl('https://gitlab.com/o/r'))
    expect(normalizeRepoUrl('/srv/github.com/o/r')).not.toBe(normalizeRepoUrl('https://github.com/o/r'))
  })

  it.each(['', '   ', 'https://', 'https://github.com', 'https://github.com/', 'not a url', 'ftp://x/y'])(
    'answers null for %j',
    (url) => {
      expect(normalizeRepoUrl(url)).toBeNull()
    },
  )
})
