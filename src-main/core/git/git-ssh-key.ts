import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { GitCredentialSource } from '../shared/cicd-ports'
import type { GitProtocol } from './git-url'

/** A POSIX shell single-quoted word: `GIT_SSH_COMMAND` is run by a shell, and a temp dir may hold spaces. */
const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`

/**
 * Runs `work` with a `GIT_SSH_COMMAND` that uses the stored git key, when the URL goes over ssh and a key is
 * stored; otherwise with none (the user's agent and `~/.ssh` apply). The key is unsealed only here, written to a
 * 0600 file in a private 0700 folder for this command alone, and deleted right after, whatever happens.
 */
export async function withGitSshKey<T>(
  credentials: GitCredentialSource | undefined,
  protocol: GitProtocol,
  work: (sshCommand: string | undefined) => Promise<T>,
  /** A known_hosts file other than the user's (tests); the user's ssh configuration decides otherwise. */
  knownHostsFile?: string,
): Promise<T> {
  const key = protocol === 'ssh' && credentials ? await credentials.sshPrivateKey() : null
  const knownHosts = knownHostsFile ? ` -o UserKnownHostsFile=${shellQuote(knownHostsFile)}` : ''
  if (!key) return work(knownHosts ? `ssh -o BatchMode=yes${knownHosts}` : undefined)
  const dir = await mkdtemp(join(tmpdir(), 'gd-gitkey-'))
  try {
    const file = join(dir, 'id')
    await writeFile(file, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 })
    return await work(`ssh -i ${shellQuote(file)} -o IdentitiesOnly=yes -o BatchMode=yes${knownHosts}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
