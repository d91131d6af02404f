import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { blobOfPublicKeyLine, fingerprintOfKeyBlob, keyTypeOfBlob } from './fingerprint'
import { testbedEnv } from '../../../e2e/fixtures/testbed-env'

const env = testbedEnv()

describe('fingerprints of the test bed host keys', () => {
  it.each([
    ['ssh-ed25519', env.hostKeyPub, env.hostKeyFingerprint],
    ['ecdsa-sha2-nistp256', env.hostKeyPubEcdsa, env.hostKeyFingerprintEcdsa],
    ['ssh-rsa', env.hostKeyPubRsa, env.hostKeyFingerprintRsa],
  ])('match ssh-keygen -lf -E sha256 for the %s key', (keyType, pubFile, recorded) => {
    const keygen = execFileSync('ssh-keygen', ['-lf', pubFile, '-E', 'sha256'], { encoding: 'utf8' }).split(' ')[1]
    const blob = blobOfPublicKeyLine(readFileSync(pubFile, 'utf8'))
    expect(fingerprintOfKeyBlob(blob)).toBe(keygen)
    expect(fingerprintOfKeyBlob(blob)).toBe(recorded)
    expect(keyTypeOfBlob(blob)).toBe(keyType)
  })
})
