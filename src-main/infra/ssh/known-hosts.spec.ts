import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { knownHostKeys, knownHostsName, lookupKnownHosts } from './known-hosts'

const dir = mkdtempSync(join(tmpdir(), 'gd-kh-'))

interface TestKey {
  line: string
  fingerprint: string
  keyType: string
}

function makeKey(name: string, type: string): TestKey {
  const file = join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', file])
  const line = readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${file}.pub`, '-E', 'sha256'], { encoding: 'utf8' })
  return { line, fingerprint: fingerprint.split(' ')[1] ?? '', keyType: line.split(' ')[0] ?? '' }
}

let a: TestKey, b: TestKey, c: TestKey
const fps = (text: string, host: string, port: number) => knownHostKeys(text, host, port).map((k) => k.fingerprint)

beforeAll(() => {
  a = makeKey('a', 'ed25519')
  b = makeKey('b', 'ecdsa')
  c = makeKey('c', 'rsa')
})

describe('knownHostsName', () => {
  it('uses the bare name on port 22 and [host]:port elsewhere, lowercased like ssh does', () => {
    expect(knownHostsName('Build.Example', 22)).toBe('build.example')
    expect(knownHostsName('Build.Example', 2222)).toBe('[build.example]:2222')
  })
})

describe('knownHostKeys', () => {
  it('finds plain entries and entries in comma lists, with type and fingerprint', () => {
    const text = `alpha ${a.line}\nbeta,gamma,10.0.0.5 ${b.line} a comment\n`
    expect(knownHostKeys(text, 'alpha', 22)).toEqual([{ keyType: 'ssh-ed25519', fingerprint: a.fingerprint }])
    expect(knownHostKeys(text, 'gamma', 22)).toEqual([{ keyType: 'ecdsa-sha2-nistp256', fingerprint: b.fingerprint }])
    expect(fps(text, '10.0.0.5', 22)).toEqual([b.fingerprint])
    expect(fps(text, 'delta', 22)).toEqual([])
  })

  it('matches a non-22 port only through the [host]:port form, and port 22 only through the bare name', () => {
    const text = `web ${a.line}\n[web]:2222 ${b.line}\n[web]:22 ${c.line}\n`
    expect(fps(text, 'web', 22)).toEqual([a.fingerprint])
    expect(fps(text, 'web', 2222)).toEqual([b.fingerprint])
    expect(fps(text, 'web', 2200)).toEqual([])
  })

  it('matches names case-insensitively', () => {
    expect(fps(`Web.Example ${a.line}`, 'WEB.example', 22)).toEqual([a.fingerprint])
  })

  it('supports * and ? wildcards, also inside the bracketed port form', () => {
    const text = `*.corp ${a.line}\nhost-? ${b.line}\n[*.lab]:2222 ${c.line}\n`
    expect(fps(text, 'x.corp', 22)).toEqual([a.fingerprint])
    expect(fps(text, 'corp', 22)).toEqual([])
    expect(fps(text, 'host-7', 22)).toEqual([b.fingerprint])
    expect(fps(text, 'host-77', 22)).toEqual([])
    expect(fps(text, 'pi.lab', 2222)).toEqual([c.fingerprint])
    expect(fps(text, 'pi.lab', 22)).toEqual([])
  })

  it('lets a negated pattern veto the whole line even when another pattern matches', () => {
    const text = `*.corp,!db.corp ${a.line}\n`
    expect(fps(text, 'app.corp', 22)).toEqual([a.fingerprint])
    expect(fps(text, 'db.corp', 22)).toEqual([])
    expect(fps(`!db.corp ${a.line}`, 'app.corp', 22)).toEqual([])
  })

  it('matches hashed entries written by ssh-keygen -H, for port 22 and for [host]:port', () => {
    const file = join(dir, 'known_hosts_hashed')
    writeFileSync(file, `build.example ${a.line}\n[build.example]:2222 ${b.line}\nother ${c.line}\n`)
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' })
    const hashed = readFileSync(file, 'utf8')
    expect(hashed).not.toContain('build.example')
    expect(hashed).toMatch(/^\|1\|/)
    expect(fps(hashed, 'build.example', 22)).toEqual([a.fingerprint])
    expect(fps(hashed, 'BUILD.example', 22)).toEqual([a.fingerprint])
    expect(fps(hashed, 'build.example', 2222)).toEqual([b.fingerprint])
    expect(fps(hashed, 'build.example', 2200)).toEqual([])
    expect(fps(hashed, 'other', 22)).toEqual([c.fingerprint])
  })

  it('agrees with ssh-keygen -F on a mixed file', () => {
    const file = join(dir, 'known_hosts_oracle')
    const text = [
      `# comment`,
      `*.corp,!db.corp ${a.line}`,
      `db.corp,[db.corp]:2200 ${b.line}`,
      `[*.lab]:2222,h? ${c.line}`,
      `10.1.2.3 ${a.line}`,
    ].join('\n')
    writeFileSync(file, text + '\n')
    for (const [host, port] of [
      ['app.corp', 22],
      ['db.corp', 22],
      ['db.corp', 2200],
      ['pi.lab', 2222],
      ['pi.lab', 22],
      ['h1', 22],
      ['h12', 22],
      ['10.1.2.3', 22],
      ['10.1.2.3', 2222],
    ] as const) {
      const name = knownHostsName(host, port)
      let oracle: string[] = []
      try {
        const out = execFileSync('ssh-keygen', ['-F', name, '-l', '-f', file], { encoding: 'utf8' })
        oracle = out.split('\n').flatMap((l) => (l.startsWith('#') || !l ? [] : [l.split(' ')[2] ?? '']))
      } catch {
        // ssh-keygen -F exits 1 when nothing matches.
      }
      expect(fps(text, host, port).sort(), name).toEqual([...new Set(oracle)].sort())
    }
  })

  it('returns @revoked keys separately and never among the trusted keys', () => {
    const text = `host ${a.line}\nhost ${b.line}\n@revoked * ${b.line}\n@revoked elsewhere ${c.line}\n`
    const lookup = lookupKnownHosts(text, 'host', 22)
    expect(lookup.keys.map((k) => k.fingerprint)).toEqual([a.fingerprint])
    expect(lookup.revoked).toEqual([{ keyType: 'ecdsa-sha2-nistp256', fingerprint: b.fingerprint }])
    expect(fps(text, 'host', 22)).toEqual([a.fingerprint])
  })

  it('ignores @cert-authority lines, unknown markers, comments, garbage and type-mismatched lines', () => {
    const text = [
      `@cert-authority * ${a.line}`,
      `@future host ${a.line}`,
      `# host ${a.line}`,
      ``,
      `host ssh-ed25519 not-base64!`,
      `host ssh-ed25519`,
      `host ${b.line.replace('ecdsa-sha2-nistp256', 'ssh-ed25519')}`,
      `   host   ${c.line}   trailing comment`,
    ].join('\r\n')
    expect(knownHostKeys(text, 'host', 22)).toEqual([{ keyType: 'ssh-rsa', fingerprint: c.fingerprint }])
  })

  it('lists a key once even when several lines vouch for it', () => {
    expect(fps(`host ${a.line}\n*.x,host ${a.line}\n`, 'host', 22)).toEqual([a.fingerprint])
  })
})
