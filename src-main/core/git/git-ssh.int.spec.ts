import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGitServer, type GitServer } from '../../../e2e/fixtures/git-server'
import { testbedEnv, type TestbedEnv } from '../../../e2e/fixtures/testbed-env'
import { AppError } from '../shared/app-error'
import type { GitCredentialSource } from '../shared/cicd-ports'
import { fetchCommit, lsRemote } from './git-fetch'

/**
 * git over ssh to the test bed's sshd with a stored key (as Settings would hold it, unsealed only for the command):
 * the key file exists only while git runs, and without it the same fetch is refused.
 */
let env: TestbedEnv
let server: GitServer
let scratch: string
let url: string
const keyDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('gd-gitkey-'))

beforeAll(async () => {
  env = testbedEnv()
  server = await startGitServer({ baseImage: env.busyboxImage })
  scratch = await mkdtemp(join(tmpdir(), 'gd-gitssh-'))
  url = `ssh://${env.sshUser}@${env.sshHost}:${env.sshPort}${server.path}`
})
afterAll(async () => {
  await server?.stop()
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

describe('git over ssh with a stored key', () => {
  it('fetches with the key, and removes the key file right after', async () => {
    let unsealed = 0
    const credentials: GitCredentialSource = {
      sshPrivateKey: async () => {
        unsealed += 1
        return readFileSync(env.clientKey, 'utf8')
      },
    }
    const before = keyDirs()
    const dir = join(scratch, 'with-key')
    const fetched = await fetchCommit(url, 'v1', dir, { credentials, knownHostsFile: env.knownHosts })
    expect(fetched.commit).toBe(server.commits.v1)
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe('v1\n')
    expect(await lsRemote(url, 'main', { credentials, knownHostsFile: env.knownHosts })).toBe(server.commits.v2)
    expect(unsealed).toBe(2)
    expect(keyDirs()).toEqual(before)
  })

  it('is refused without a key (no agent in the test run), as git_failed', async () => {
    const noAgent = { ...process.env, SSH_AUTH_SOCK: '' }
    const noKey: GitCredentialSource = { sshPrivateKey: async () => null }
    const err = await fetchCommit(url, 'v1', join(scratch, 'no-key'), {
      credentials: noKey,
      knownHostsFile: env.knownHosts,
      env: noAgent,
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('git_failed')
    expect((err as AppError).message).toMatch(/Permission denied \(publickey\)/)
  })
})
