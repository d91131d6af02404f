/**
 * One spelling per repository, so a push names the same repository a service's git source does whichever of
 * https, ssh (`ssh://` or scp-like `git@host:path`) or git:// either side uses:
 * `git@github.com:o/r.git` ≡ `https://github.com/o/r` ≡ `ssh://git@github.com/o/r.git` ≡ `git://github.com/o/r.git`
 * all become `github.com/o/r`.
 *
 * The host is lower-cased and its port dropped (a host serves one repository on a different port per protocol:
 * ssh on 22 or 443, https on 443), the user and scheme dropped, a trailing `.git` and slashes dropped. Paths keep
 * their case except on GitHub, which treats owner and name case-insensitively. An absolute local path is its own
 * kind (`file:` plus the path), which no push matches. `null` for what is not a git URL at all.
 */
export function normalizeRepoUrl(raw: string): string | null {
  const url = raw.trim()
  if (url.length === 0) return null
  if (url.startsWith('/')) return `file:${stripGitSuffix(url)}`
  const parsed = parseUrl(url) ?? parseScpLike(url)
  if (!parsed) return null
  const host = parsed.host.toLowerCase()
  let path = stripGitSuffix(parsed.path.replace(/^\/+/, ''))
  if (path.length === 0 || host.length === 0) return null
  if (host === 'github.com' || host === 'www.github.com') {
    path = path.toLowerCase()
    return `github.com/${path}`
  }
  return `${host}/${path}`
}

function parseUrl(url: string): { host: string; path: string } | null {
  const match = /^(https?|ssh|git|git\+ssh|ssh\+git):\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^/:]+)(?::\d*)?(\/.*)?$/i.exec(url)
  if (!match) return null
  return { host: match[2]!, path: decodePath(match[3] ?? '') }
}

/** `user@host:path` (no scheme); the path may start with `/` or `~` like scp. */
function parseScpLike(url: string): { host: string; path: string } | null {
  const match = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(url)
  if (!match) return null
  return { host: match[1]!, path: match[2]! }
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path.split(/[?#]/)[0]!)
  } catch {
    return path
  }
}

function stripGitSuffix(path: string): string {
  let out = path.replace(/\/+$/, '')
  if (out.toLowerCase().endsWith('.git')) out = out.slice(0, -4)
  return out.replace(/\/+$/, '')
}
