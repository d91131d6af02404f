import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { blobOfPublicKeyLine, fingerprintOfKeyBlob, keyTypeOfBlob } from './fingerprint'

interface TestbedEnv {
  hostKeyPub: string
  hostKeyFingerprint: string
  hostKeyPubEcdsa: string
  hostKeyFingerprintEcdsa: string
  hostKeyPubRsa: string
  hostKeyFingerprintRsa: string
}

/** Integration specs need the test bed; without it they must fail, not skip (`npm test` brings it up). */
function loadTestbedEnv(): TestbedEnv {
  const file = join(process.env.TESTBED_DIR ?? resolve(__dirname, '../../../.testbed'), 'env.json')
  if (!existsSync(file)) throw new Error(`test bed is not up (${file} missing): run bash e2e/fixtures/testbed.sh up`)
  return JSON.parse(readFileSync(file, 'utf8')) as TestbedEnv
}

const env = loadTestbedEnv()

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
