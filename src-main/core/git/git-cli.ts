import { spawn } from 'node:child_process'
import { AppError } from '../shared/app-error'
import { redactGitUrl, type GitProtocol } from './git-url'

export interface GitRunOptions {
  /** The one transport this command may use (the URL's own): every other one is refused by git itself. */
  protocol: GitProtocol
  cwd?: string
  /** Aborting it kills git and everything it started (remote helpers, ssh). */
  signal?: AbortSignal
  /** `GIT_SSH_COMMAND` for this command only (a stored key); the user's ssh setup otherwise. */
  sshCommand?: string
  /** stdout beyond this fails the command (default 4 MiB): nothing here reads more than a few lines. */
  maxOutputBytes?: number
  /** Base environment (tests); defaults to the process's. */
  env?: NodeJS.ProcessEnv
}

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024
const STDERR_KEEP = 16 * 1024

/**
 * Runs the system `git` with an argv array (never a shell), for the user's own credentials (credential helpers,
 * `~/.ssh`, the agent) but with only what glinrdock needs overridden: no prompts, and one allowed transport, set
 * both by `GIT_ALLOW_PROTOCOL` and by `protocol.*.allow` so neither a hostile URL nor a repository's own
 * settings (submodules) can reach `ext::` or another helper. Callers put `--` before positionals.
 */
export function runGit(args: string[], options: GitRunOptions): Promise<string> {
  const base = options.env ?? process.env
  const env: NodeJS.ProcessEnv = {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: options.protocol,
    LC_ALL: 'C',
  }
  // Only a stored key replaces the user's ssh command (`core.sshCommand` keeps working otherwise). No prompt can
  // hang a build either way: git runs in a session of its own (below), without a terminal ssh could ask on.
  if (options.sshCommand) env.GIT_SSH_COMMAND = options.sshCommand
  const argv = ['-c', 'protocol.allow=never', '-c', `protocol.${options.protocol}.allow=always`, ...args]
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT
  const what = describe(args)
  const { signal } = options
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal, what))
    // Its own session and process group: no controlling terminal to prompt on, and an abort reaches git's
    // children (git-remote-https, ssh) too.
    const child = spawn('git', argv, { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let outBytes = 0
    let err = ''
    let failure: AppError | null = null
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    const onAbort = (): void => {
      failure ??= aborted(signal!, what)
      killGroup()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes > maxOutput) {
        failure ??= new AppError('git_failed', `${what}: more output than expected`)
        killGroup()
        return
      }
      out.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-STDERR_KEEP)
    })
    child.once('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort)
      reject(
        error.code === 'ENOENT'
          ? new AppError('git_failed', 'git is not installed (or not on PATH) on the machine running glinrdock')
          : new AppError('git_failed', `${what}: ${error.message}`),
      )
    })
    child.once('close', (code) => {
      signal?.removeEventListener('abort', onAbort)
      if (failure) return reject(failure)
      if (code !== 0) return reject(new AppError('git_failed', `${what} failed: ${lastLines(err)}`))
      resolve(Buffer.concat(out).toString('utf8'))
    })
  })
}

/** `git fetch` and the like, for messages: never the URL's credentials. */
function describe(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') i += 1
    else if (!args[i]!.startsWith('-')) return `git ${args[i]}`
  }
  return 'git'
}

/** What git adds after every remote failure: it would push ssh's own reason ("Permission denied") out. */
const BOILERPLATE = /^(Please make sure you have the correct access rights|and the repository exists\.)$/

/** git's own last words, redacted (its messages repeat the URL), on one line. */
function lastLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !BOILERPLATE.test(line))
  const text = lines.slice(-3).join(' / ') || 'no message'
  return text.replace(/[a-z]+:\/\/[^\s'"]+/gi, (url) => redactGitUrl(url)).slice(0, 1000)
}

function aborted(signal: AbortSignal, what: string): AppError {
  const reason: unknown = signal.reason
  if (reason instanceof AppError) return reason
  return new AppError('git_failed', `${what} was canceled`)
}
