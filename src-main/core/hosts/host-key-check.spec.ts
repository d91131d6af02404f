import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { blobOfPublicKeyLine, fingerprintOfKeyBlob } from '../../infra/ssh/fingerprint'
import { hostKeyRefusal, knownHostsVerdict, type KnownHostsVerdict } from './host-key-check'
import { ed25519KeyPair } from '../../../e2e/fixtures/ssh-keys'

const presented = { fingerprint: 'SHA256:' + 'P'.repeat(43), keyType: 'ssh-ed25519' }
const other = 'SHA256:' + 'O'.repeat(43)

describe('hostKeyRefusal', () => {
  it.each<[string, string | undefined, KnownHostsVerdict, string | null]>([
    ['the confirmed key', presented.fingerprint, 'unknown', null],
    ['a key known_hosts lists, unconfirmed', undefined, 'match', null],
    ['another confirmed key', other, 'match', 'host_key_mismatch'],
    ['an unconfirmed key known_hosts lists another key for', undefined, 'mismatch', 'host_key_mismatch'],
    ['a revoked key, even when confirmed', presented.fingerprint, 'revoked', 'host_key_mismatch'],
    ['an unconfirmed, unknown key', undefined, 'unknown', 'validation'],
  ])('decides on %s', (_name, confirmed, verdict, code) => {
    const refusal = hostKeyRefusal('example.org', presented, confirmed, verdict)
    expect(refusal?.code ?? null).toBe(code)
    if (refusal) expect(refusal.field).toBe('ssh.hostKeyFingerprint')
  })

  it('says which key the server presented and which one was confirmed', () => {
    expect(hostKeyRefusal('example.org', presented, other, 'unknown')?.message).toBe(
      `The server's key ${presented.fingerprint} is not the one you confirmed (${other})`,
    )
  })
})

describe('knownHostsVerdict', () => {
  const key = ed25519KeyPair()
  const line = key.public.trim().split(' ').slice(0, 2).join(' ')
  const fingerprint = fingerprintOfKeyBlob(blobOfPublicKeyLine(line))
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'gd-kh-')), 'known_hosts')
    writeFileSync(path, text)
    return path
  }

  it('reads match, mismatch, revoked and unknown from the file, and unknown without one', () => {
    expect(knownHostsVerdict(file(`[h]:2222 ${line}\n`), 'h', 2222, fingerprint)).toBe('match')
    expect(knownHostsVerdict(file(`[h]:2222 ${line}\n`), 'h', 2222, other)).toBe('mismatch')
    expect(knownHostsVerdict(file(`@revoked [h]:2222 ${line}\n`), 'h', 2222, fingerprint)).toBe('revoked')
    expect(knownHostsVerdict(file(`elsewhere ${line}\n`), 'h', 2222, fingerprint)).toBe('unknown')
    expect(knownHostsVerdict('/nonexistent/known_hosts', 'h', 22, fingerprint)).toBe('unknown')
  })
})
