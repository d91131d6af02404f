import { Client } from 'ssh2'
import { AppError } from '../../core/shared/app-error'
import { fingerprintOfKeyBlob, hostKeyAlgorithmsFor, keyTypeOfBlob } from './fingerprint'
import { networkFailure } from './ssh-connect'

export interface ProbeOptions {
  host: string
  port: number
  timeoutMs?: number
  /** Ask for this key type only, to learn each of a host's keys in turn. */
  keyType?: string
}

export interface ProbedHostKey {
  fingerprint: string
  keyType: string
}

/**
 * The host key a server presents, for the user to compare before pinning it. The verifier refuses the key, which
 * aborts key exchange: no credential and not even a user name is sent, and nothing is stored.
 */
export function probeHostKey({ host, port, timeoutMs = 10_000, keyType }: ProbeOptions): Promise<ProbedHostKey> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      outcome()
      client.destroy()
    }
    // No SSH server answered: the host (or its port) is the problem, not a Docker engine behind it.
    const unreachable = (err: Error) => {
      const failure = networkFailure(err, host, port, timeoutMs)
      return new AppError(failure.code, failure.message)
    }
    client.on('error', (err) => settle(() => reject(unreachable(err))))
    client.on('close', () =>
      settle(() => reject(unreachable(new Error('the connection closed during the SSH key exchange')))),
    )
    try {
      client.connect({
        host,
        port,
        username: 'glinrdock-probe',
        readyTimeout: timeoutMs,
        ...(keyType === undefined ? {} : { algorithms: { serverHostKey: hostKeyAlgorithmsFor(keyType) } }),
        hostVerifier: (blob: Buffer) => {
          settle(() => resolve({ fingerprint: fingerprintOfKeyBlob(blob), keyType: keyTypeOfBlob(blob) }))
          return false
        },
      })
    } catch (err) {
      settle(() => reject(err instanceof AppError ? err : unreachable(err as Error)))
    }
  })
}
