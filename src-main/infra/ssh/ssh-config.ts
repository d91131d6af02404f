import { homedir, userInfo } from 'node:os'
import { isWildcardPattern, matchesPatterns } from './host-patterns'

/** One concrete `Host` alias from ~/.ssh/config, resolved the way `ssh <alias>` would resolve it. */
export interface SshConfigHost {
  alias: string
  hostName: string
  port: number
  user?: string
  identityFiles: string[]
}

export interface SshConfigOptions {
  homeDir?: string
  localUser?: string
}

interface Block {
  /** Undefined for the lines before the first Host, which apply to every host. */
  patterns?: string[]
  /** Match blocks need conditions (exec, user, …) we cannot evaluate for an import, so they never apply. */
  skipped: boolean
  options: [keyword: string, args: string[]][]
}

/**
 * Import candidates from an OpenSSH client config. Only the keywords an import needs are read; `Include` is not
 * followed (it needs the file system relative to ~/.ssh, which the caller can do if it ever matters).
 */
export function parseSshConfig(text: string, options: SshConfigOptions = {}): SshConfigHost[] {
  const blocks = parseBlocks(text)
  const aliases = new Set<string>()
  for (const block of blocks) {
    for (const pattern of block.patterns ?? []) if (!isWildcardPattern(pattern)) aliases.add(pattern)
  }
  return [...aliases].map((alias) => resolveHost(alias, blocks, options))
}

function resolveHost(alias: string, blocks: Block[], options: SshConfigOptions): SshConfigHost {
  // ssh keeps the first value it obtains for each keyword, so a later `Host *` only fills in what is still unset;
  // IdentityFile is the exception and accumulates.
  const seen = new Map<string, string>()
  const identityFiles: string[] = []
  for (const block of blocks) {
    if (block.skipped || (block.patterns && !matchesPatterns(alias, block.patterns))) continue
    for (const [keyword, args] of block.options) {
      const value = args[0]
      if (value === undefined) continue
      if (keyword === 'identityfile') identityFiles.push(value)
      else if (!seen.has(keyword)) seen.set(keyword, value)
    }
  }
  const port = parsePort(seen.get('port'))
  const user = seen.get('user')
  const hostName = expandTokens(seen.get('hostname') ?? alias, { h: alias })
  const home = options.homeDir ?? homedir()
  const tokens = { h: hostName, p: String(port), r: user ?? options.localUser ?? localUserName(), d: home }
  return {
    alias,
    hostName,
    port,
    ...(user === undefined ? {} : { user }),
    identityFiles: identityFiles.map((file) => expandTokens(expandTilde(file, home), { ...tokens, u: tokens.r })),
  }
}

function parseBlocks(text: string): Block[] {
  const blocks: Block[] = [{ skipped: false, options: [] }]
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) continue
    // `Keyword value`, `Keyword=value` and `Keyword = value` are all valid; only the first `=` separates.
    const match = /^([^\s=]+)\s*(?:=\s*|\s+)(.*)$/.exec(line)
    if (!match) continue
    const keyword = (match[1] ?? '').toLowerCase()
    const args = splitArgs(match[2] ?? '')
    if (keyword === 'host') blocks.push({ patterns: args, skipped: false, options: [] })
    else if (keyword === 'match') blocks.push({ skipped: true, options: [] })
    else blocks.at(-1)?.options.push([keyword, args])
  }
  return blocks
}

/** Whitespace-separated arguments where double or single quotes keep spaces (`IdentityFile "~/my key"`). */
function splitArgs(value: string): string[] {
  const args: string[] = []
  for (const m of value.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const arg = m[1] ?? m[2] ?? m[3] ?? ''
    if (arg.startsWith('#')) break
    args.push(arg)
  }
  return args
}

function parsePort(value: string | undefined): number {
  const port = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : NaN
  return port >= 1 && port <= 65535 ? port : 22
}

const expandTilde = (path: string, home: string): string =>
  path === '~' ? home : path.startsWith('~/') ? home + path.slice(1) : path

/** ssh's `%x` tokens that make sense outside a live connection; unknown ones are left as written. */
const expandTokens = (value: string, tokens: Record<string, string>): string =>
  value.replace(/%([%a-zA-Z])/g, (whole, t: string) => (t === '%' ? '%' : (tokens[t] ?? whole)))

function localUserName(): string {
  try {
    return userInfo().username
  } catch {
    return ''
  }
}
