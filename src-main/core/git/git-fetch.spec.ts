import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startGitServer, type GitServer } from '../../../e2e/fixtures/git-server'
import { AppError } from '../shared/app-error'
import { runGit } from './git-cli'
import { fetchCommit, lsRemote } from './git-fetch'

/**
 * Real git against a real `git daemon` and a local-path repository: refs and commits resolve as a build needs
 * them, and hostile URLs and refs are refused before git runs, where git itself would have run their payload.
 */
const execFileAsync = promisify(execFile)
let server: GitServer
let scratch: string
let marker: string
let dirs = 0
const freshDir = (): string => join(scratch, `clone-${++dirs}`)
const codeOf = async (work: Promise<unknown>): Promise<string> => {
  try {
    await work
  } catch (err) {
    if (err instanceof AppError) return err.code
    throw err
  }
  throw new Error('it succeeded')
}

beforeAll(async () => {
  server = await startGitServer({ baseImage: 'busybox' })
  scratch = await mkdtemp(join(tmpdir(), 'gd-gitspec-'))
  marker = join(scratch, 'PWNED')
})
afterAll(async () => {
  await server?.stop()
  await rm(scratch, { recursive: true, force: true })
})

describe('fetchCommit over git://', () => {
  it('checks out a branch shallowly, with its commit id and subject', async () => {
    const dir = freshDir()
    const lines: string[] = []
    const fetched = await fetchCommit(server.url, 'main', dir, { log: (line) => lines.push(line) })
    expect(fetched).toEqual({ commit: server.commits.v2, subject: 'Serve v2' })
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe('v2\n')
    // Shallow: one commit only.
    const { stdout } = await execFileAsync('git', ['rev-list', '--count', 'HEAD'], { cwd: dir })
    expect(stdout.trim()).toBe('1')
    expect(lines.join('\n')).toContain(`Checked out ${server.commits.v2.slice(0, 12)}`)
    // The checkout may be sent as a build context: nothing in it names the URL (credentials would be in it).
    const { stdout: mentions } = await execFileAsync('grep', ['-rl', '--', '127.0.0.1', dir]).catch(() => ({
      stdout: '',
    }))
    expect(mentions).toBe('')
  })

  it('checks out a tag', async () => {
    const dir = freshDir()
    expect((await fetchCommit(server.url, 'v1', dir)).commit).toBe(server.commits.v1)
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe('v1\n')
  })

  it('checks out an exact commit that no ref points at', async () => {
    const dir = freshDir()
    const fetched = await fetchCommit(server.url, server.commits.v1, dir)
    expect(fetched.commit).toBe(server.commits.v1)
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe('v1\n')
  })

  it('fails with git_failed for a ref or commit the repository does not have', async () => {
    expect(await codeOf(fetchCommit(server.url, 'no-such-branch', freshDir()))).toBe('git_failed')
    expect(await codeOf(fetchCommit(server.url, 'f'.repeat(40), freshDir()))).toBe('git_failed')
  })

  it('aborts git when the signal fires', async () => {
    const controller = new AbortController()
    controller.abort(new AppError('internal', 'stop now'))
    await expect(fetchCommit(server.url, 'main', freshDir(), { signal: controller.signal })).rejects.toThrow('stop now')
  })
})

describe('fetchCommit of a commit the server will not send alone', () => {
  it('falls back to fetching branches and tags, then picks the commit', async () => {
    // Protocol v0 and no allow*SHA1InWant: a want that is no ref tip is refused, as older servers do.
    await execFileAsync('git', ['config', 'uploadpack.allowReachableSHA1InWant', 'false'], { cwd: server.path })
    const v3 = await server.pushVersion('v3')
    try {
      const env = {
        ...process.env,
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'protocol.version',
        GIT_CONFIG_VALUE_0: '0',
      }
      const lines: string[] = []
      const dir = freshDir()
      const fetched = await fetchCommit(server.url, server.commits.v2, dir, { env, log: (l) => lines.push(l) })
      expect(fetched.commit).toBe(server.commits.v2)
      expect(lines.join('\n')).toContain('fetching its branches and tags')
      expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe('v2\n')
      expect(await lsRemote(server.url, 'main')).toBe(v3)
    } finally {
      await execFileAsync('git', ['config', 'uploadpack.allowReachableSHA1InWant', 'true'], { cwd: server.path })
    }
  })
})

describe('lsRemote', () => {
  it('gives the commit of a branch or tag, and null for neither', async () => {
    expect(await lsRemote(server.url, 'v1')).toBe(server.commits.v1)
    expect(await lsRemote(server.path, 'v1')).toBe(server.commits.v1)
    expect(await lsRemote(server.url, 'nope')).toBeNull()
  })
})

describe('hostile input against a local-path repository', () => {
  beforeEach(async () => rm(marker, { force: true }))

  it('git itself would run an --upload-pack payload (so the checks below are what stops it)', async () => {
    await execFileAsync('git', ['ls-remote', `--upload-pack=touch ${marker};`, server.path]).catch(() => undefined)
    expect(existsSync(marker)).toBe(true)
  })

  it('git itself would run an ext:: payload when the protocol is allowed', async () => {
    await execFileAsync('git', ['-c', 'protocol.ext.allow=always', 'ls-remote', `ext::sh -c touch% ${marker}`]).catch(
      () => undefined,
    )
    expect(existsSync(marker)).toBe(true)
  })

  it.each([
    (m: string) => `--upload-pack=touch ${m};`,
    (m: string) => `-utouch ${m};`,
    (m: string) => `ext::sh -c touch% ${m}`,
    () => `fd::0`,
  ])('refuses the URL %s and runs nothing', async (payload) => {
    const url = payload(marker)
    expect(await codeOf(fetchCommit(url, 'main', freshDir()))).toBe('validation')
    expect(await codeOf(lsRemote(url, 'main'))).toBe('validation')
    expect(existsSync(marker)).toBe(false)
  })

  it.each([(m: string) => `--upload-pack=touch ${m};`, (m: string) => `-utouch ${m};`, (m: string) => `$(touch ${m})`])(
    'refuses the ref %s and runs nothing',
    async (payload) => {
      const ref = payload(marker)
      expect(await codeOf(fetchCommit(server.path, ref, freshDir()))).toBe('validation')
      expect(await codeOf(lsRemote(server.path, ref))).toBe('validation')
      expect(existsSync(marker)).toBe(false)
    },
  )

  it('passes a shell-looking ref git accepts as one argument, never to a shell', async () => {
    // `$`, `(`, `)`, `{`, `}` are legal in ref names: the ref is valid, git finds no such ref, nothing runs.
    const ref = `$(touch\${IFS}${marker.replaceAll('/', '_')})`
    expect(await codeOf(fetchCommit(server.path, ref, freshDir()))).toBe('git_failed')
    expect(existsSync(marker)).toBe(false)
    const url = `${server.path}/$(touch\${IFS}${marker})`
    expect(await codeOf(fetchCommit(url, 'main', freshDir()))).toBe('git_failed')
    expect(existsSync(marker)).toBe(false)
  })

  it('refuses ext:: at the git layer too, even if a URL check were bypassed', async () => {
    const run = runGit(['ls-remote', '--', `ext::sh -c touch% ${marker}`], { protocol: 'file' })
    expect(await codeOf(run)).toBe('git_failed')
    expect(existsSync(marker)).toBe(false)
  })
})
