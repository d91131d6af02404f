import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { GitCredentialSource } from '../shared/cicd-ports'
import { AppError, isAppError } from '../shared/app-error'
import { runGit } from './git-cli'
import { withGitSshKey } from './git-ssh-key'
import { checkGitRef, gitProtocolOf, isFullCommitSha, redactGitUrl } from './git-url'

export interface GitOptions {
  signal?: AbortSignal
  credentials?: GitCredentialSource
  /** One line per step, for the build log (URLs redacted). */
  log?: (line: string) => void
  env?: NodeJS.ProcessEnv
  /** For ssh: a known_hosts file instead of the user's (tests). */
  knownHostsFile?: string
}

export interface FetchedCommit {
  /** The full commit id checked out in the folder. */
  commit: string
  /** Its subject line. */
  subject: string
}

/**
 * Checks out one commit of `url` into `dir` (created, empty): a branch or tag shallowly (`--depth 1`), or an exact
 * commit id, first shallowly by id (servers with protocol v2 or `uploadpack.allowReachableSHA1InWant` allow it),
 * then, if the server refuses, by fetching its branches and tags in full and picking the commit there.
 * No remote is configured: the URL is only ever an argument after `--`.
 */
export async function fetchCommit(
  url: string,
  refOrSha: string,
  dir: string,
  options: GitOptions = {},
): Promise<FetchedCommit> {
  const protocol = gitProtocolOf(url)
  checkGitRef(refOrSha)
  const log = options.log ?? (() => undefined)
  await mkdir(dir, { recursive: true })
  return withGitSshKey(options.credentials, protocol, checkout, options.knownHostsFile)

  async function checkout(sshCommand: string | undefined): Promise<FetchedCommit> {
    const git = (args: string[]): Promise<string> =>
      runGit(args, { protocol, cwd: dir, signal: options.signal, sshCommand, env: options.env })
    await git(['init', '--quiet'])
    log(`Fetching ${refOrSha} from ${redactGitUrl(url)}`)
    let commit: string
    let subject: string
    if (isFullCommitSha(refOrSha)) {
      try {
        await git(['fetch', '--quiet', '--no-tags', '--depth', '1', '--', url, refOrSha])
      } catch (err) {
        if (options.signal?.aborted || !isAppError(err)) throw err
        log('The server would not send that commit alone; fetching its branches and tags')
        await git(['fetch', '--quiet', '--', url, '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'])
      }
      ;({ commit, subject } = await describeCommit(git, refOrSha))
      if (commit !== refOrSha) throw new AppError('git_failed', `Commit ${refOrSha} is not in ${redactGitUrl(url)}`)
    } else {
      await git(['fetch', '--quiet', '--no-tags', '--depth', '1', '--', url, refOrSha])
      ;({ commit, subject } = await describeCommit(git, 'FETCH_HEAD'))
    }
    // `commit` is hex from git log: it cannot be read as an option, and checkout takes no `--` before it.
    await git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit])
    // FETCH_HEAD names the URL (with any credentials in it), and the checkout may become a build context.
    await rm(join(dir, '.git', 'FETCH_HEAD'), { force: true })
    log(`Checked out ${commit.slice(0, 12)} ${subject}`)
    return { commit, subject }
  }
}

/** The commit a fetched name points at (an annotated tag peeled) and its subject line, in one git call. */
async function describeCommit(
  git: (args: string[]) => Promise<string>,
  name: string,
): Promise<{ commit: string; subject: string }> {
  try {
    const out = await git(['log', '-1', '--no-walk', '--format=%H%n%s', '--end-of-options', `${name}^{commit}`, '--'])
    const [commit = '', subject = ''] = out.split('\n')
    if (isFullCommitSha(commit)) return { commit, subject: subject.trim() }
  } catch {
    // reported below
  }
  throw new AppError('git_failed', `${name} is not a commit that was fetched`)
}

/**
 * The commit a branch or tag of `url` points at now (`git ls-remote`), or null when there is no such ref. A branch
 * wins over a tag of the same name; an annotated tag gives the commit it tags.
 */
export async function lsRemote(url: string, ref: string, options: GitOptions = {}): Promise<string | null> {
  const protocol = gitProtocolOf(url)
  checkGitRef(ref)
  if (isFullCommitSha(ref)) return ref
  const out = await withGitSshKey(
    options.credentials,
    protocol,
    (sshCommand) =>
      runGit(['ls-remote', '--', url, ref], { protocol, signal: options.signal, sshCommand, env: options.env }),
    options.knownHostsFile,
  )
  const refs = new Map<string, string>()
  for (const line of out.split('\n')) {
    const [sha, name] = line.split('\t')
    if (sha && name && isFullCommitSha(sha)) refs.set(name, sha)
  }
  const full = ref.startsWith('refs/') ? [ref] : []
  for (const name of [...full, `refs/heads/${ref}`, `refs/tags/${ref}^{}`, `refs/tags/${ref}`]) {
    const sha = refs.get(name)
    if (sha) return sha
  }
  return null
}
