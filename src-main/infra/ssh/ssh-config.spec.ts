import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSshConfig } from './ssh-config'

const home = '/home/ada'
const parse = (text: string) => parseSshConfig(text, { homeDir: home, localUser: 'ada' })

describe('parseSshConfig', () => {
  it('lists concrete aliases with their settings and the defaults for what is unset', () => {
    const text = `
Host web
  HostName web.example.com
  Port 2222
  User deploy
  IdentityFile ~/.ssh/web_ed25519

Host db
`
    expect(parse(text)).toEqual([
      {
        alias: 'web',
        hostName: 'web.example.com',
        port: 2222,
        user: 'deploy',
        identityFiles: [`${home}/.ssh/web_ed25519`],
      },
      { alias: 'db', hostName: 'db', port: 22, identityFiles: [] },
    ])
  })

  it('skips wildcard and negated patterns but keeps concrete aliases from the same Host line', () => {
    const aliases = parse('Host *.corp app !db.corp b?x staging\n  User x\n').map((h) => h.alias)
    expect(aliases).toEqual(['app', 'staging'])
  })

  it('reads keywords case-insensitively in both `key value` and `key=value` forms', () => {
    const [host] = parse('host one\n  HOSTNAME=one.example\n  port = 2022\n\tuSeR\tops\n  identityfile="~/k 1"\n')
    expect(host).toEqual({
      alias: 'one',
      hostName: 'one.example',
      port: 2022,
      user: 'ops',
      identityFiles: [`${home}/k 1`],
    })
  })

  it('keeps the first value obtained, including defaults from a later Host * block', () => {
    const text = `
Host web
  User first
Host web
  User second
  HostName web.internal
Host *
  User fallback
  Port 2200
  IdentityFile ~/.ssh/default
`
    expect(parse(text)).toEqual([
      {
        alias: 'web',
        hostName: 'web.internal',
        port: 2200,
        user: 'first',
        identityFiles: [`${home}/.ssh/default`],
      },
    ])
  })

  it('applies options before the first Host to every alias and accumulates IdentityFile in order', () => {
    const [host] = parse('IdentityFile ~/.ssh/global\nPort 2300\nHost a\n  IdentityFile /keys/a\n  Port 9\n')
    expect(host?.port).toBe(2300)
    expect(host?.identityFiles).toEqual([`${home}/.ssh/global`, '/keys/a'])
  })

  it('does not apply a block whose negated pattern matches the alias', () => {
    const [, db] = parse('Host app db\nHost * !db\n  User everyone\n')
    expect(db).toEqual({ alias: 'db', hostName: 'db', port: 22, identityFiles: [] })
  })

  it('skips Match blocks until the next Host', () => {
    const text = 'Host a\n  User alice\nMatch host a exec "false"\n  User mallory\n  Port 1\nHost b\n  Port 2\n'
    expect(parse(text)).toEqual([
      { alias: 'a', hostName: 'a', port: 22, user: 'alice', identityFiles: [] },
      { alias: 'b', hostName: 'b', port: 2, identityFiles: [] },
    ])
  })

  it('expands ssh tokens in HostName and IdentityFile', () => {
    const [host] = parse('Host box\n  HostName %h.example\n  User root\n  IdentityFile %d/.ssh/%r@%h:%p_%%\n')
    expect(host?.hostName).toBe('box.example')
    expect(host?.identityFiles).toEqual([`${home}/.ssh/root@box.example:22_%`])
  })

  it('ignores comments, blank lines, trailing comments and an invalid port', () => {
    const [host] = parse('# top\n\nHost x # the x box\n  Port 99999\n  # User nobody\n  User real # trailing\n')
    expect(host).toEqual({ alias: 'x', hostName: 'x', port: 22, user: 'real', identityFiles: [] })
  })

  it('resolves hostname, port and user the same way as ssh -G', () => {
    const text = `
Port 2000
Host alpha beta
  HostName %h.lan
Host beta
  Port 2222
  User b
Host * !alpha
  User nobody
Host *
  User everyone
  HostName fallback.example
`
    const file = join(mkdtempSync(join(tmpdir(), 'gd-sshcfg-')), 'config')
    writeFileSync(file, text)
    for (const host of parse(text)) {
      const out = execFileSync('ssh', ['-G', '-F', file, host.alias], { encoding: 'utf8', stdio: 'pipe' })
      const get = (key: string) =>
        out
          .split('\n')
          .find((l) => l.startsWith(`${key} `))
          ?.slice(key.length + 1)
      expect({ hostName: host.hostName, port: String(host.port), user: host.user }, host.alias).toEqual({
        hostName: get('hostname'),
        port: get('port'),
        user: get('user'),
      })
    }
  })
})
