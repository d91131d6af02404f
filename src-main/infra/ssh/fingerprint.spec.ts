import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  blobOfPublicKeyLine,
  fingerprintOfKeyBlob,
  hostKeyAlgorithmsFor,
  isSha256Fingerprint,
  keyTypeOfBlob,
} from './fingerprint'

const dir = mkdtempSync(join(tmpdir(), 'gd-fp-'))
let generated = 0

function generate(type: string, bits?: number): { pub: string; keygen: string } {
  const file = join(dir, `key${generated++}`)
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-f', file])
  const keygen = execFileSync('ssh-keygen', ['-lf', `${file}.pub`, '-E', 'sha256'], { encoding: 'utf8' })
  return { pub: readFileSync(`${file}.pub`, 'utf8'), keygen: keygen.split(' ')[1] ?? '' }
}

describe('fingerprintOfKeyBlob', () => {
  it.each([
    ['ed25519', undefined, 'ssh-ed25519'],
    ['ecdsa', 256, 'ecdsa-sha2-nistp256'],
    ['ecdsa', 384, 'ecdsa-sha2-nistp384'],
    ['rsa', 2048, 'ssh-rsa'],
  ])('prints what ssh-keygen -lf -E sha256 prints for a %s key', (type, bits, keyType) => {
    const { pub, keygen } = generate(type, bits)
    const blob = blobOfPublicKeyLine(pub)
    expect(fingerprintOfKeyBlob(blob)).toBe(keygen)
    expect(isSha256Fingerprint(keygen)).toBe(true)
    expect(keyTypeOfBlob(blob)).toBe(keyType)
  })

  it('drops the base64 padding', () => {
    expect(fingerprintOfKeyBlob(Buffer.from('abc'))).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0')
  })
})

describe('keyTypeOfBlob', () => {
  const blob = (type: string, rest = Buffer.alloc(8)) => {
    const head = Buffer.alloc(4)
    head.writeUInt32BE(type.length)
    return Buffer.concat([head, Buffer.from(type), rest])
  }

  it('reads the first SSH string of the blob', () => {
    expect(keyTypeOfBlob(blob('ecdsa-sha2-nistp521'))).toBe('ecdsa-sha2-nistp521')
  })

  it.each([
    ['an empty blob', Buffer.alloc(0)],
    ['a length past the end', Buffer.from([0, 0, 0, 40, 0x61])],
    ['a zero length', Buffer.from([0, 0, 0, 0])],
    ['binary garbage as a type', blob('\u0001\u0002')],
  ])('refuses %s with a validation error', (_name, bad) => {
    expect(() => keyTypeOfBlob(bad)).toThrow(expect.objectContaining({ code: 'validation' }))
  })
})

describe('blobOfPublicKeyLine', () => {
  it('refuses a line whose declared type disagrees with the key inside', () => {
    const { pub } = generate('ed25519')
    expect(() => blobOfPublicKeyLine(pub.replace('ssh-ed25519', 'ssh-rsa'))).toThrow(/does not match/)
  })
})

describe('isSha256Fingerprint', () => {
  it('accepts only SHA256: with 43 unpadded base64 characters', () => {
    expect(isSha256Fingerprint('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0')).toBe(true)
    expect(isSha256Fingerprint('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=')).toBe(false)
    expect(isSha256Fingerprint('MD5:12:34')).toBe(false)
    expect(isSha256Fingerprint('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0')).toBe(false)
  })
})

describe('hostKeyAlgorithmsFor', () => {
  it('offers every RSA signature algorithm for an RSA key, strongest first', () => {
    expect(hostKeyAlgorithmsFor('ssh-rsa')).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'])
  })

  it('offers exactly the type for other keys and refuses unknown types', () => {
    expect(hostKeyAlgorithmsFor('ssh-ed25519')).toEqual(['ssh-ed25519'])
    expect(() => hostKeyAlgorithmsFor('ssh-dss')).toThrow(expect.objectContaining({ code: 'validation' }))
  })
})
