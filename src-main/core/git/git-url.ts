import { isValidGitRef } from '../../../src-preload/contract/cicd'
import { AppError } from '../shared/app-error'

/** The transports glinrdock lets git use, named as `GIT_ALLOW_PROTOCOL` and `protocol.<name>.allow` name them. */
export type GitProtocol = 'https' | 'ssh' | 'git' | 'file'

const SCHEMES: Record<string, GitProtocol> = { 'https://': 'https', 'ssh://': 'ssh', 'git://': 'git' }
/** `user@host:path`, as git reads scp-like addresses (and as the contract's GitSource accepts them). */
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/
const FULL_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/

/**
 * Which transport a source URL uses, or a `validation` error. Checked here again, independently of the contract's
 * schema, because a URL is handed to git as an argument: `ext::sh -c …` and `fd::` run commands or read
 * descriptors, a leading `-` is an option (`--upload-pack=…`), and a host starting with `-` becomes an ssh option.
 */
export function gitProtocolOf(url: string): GitProtocol {
  const refuse = (why: string): never => {
    throw new AppError('validation', `Not an allowed git URL (${why})`, 'url')
  }
  if (url.length === 0 || url.length > 2048) refuse('empty or longer than 2048 characters')
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(url)) refuse('spaces or control characters')
  if (url.startsWith('-')) refuse('starts with "-"')
  if (url.includes('::')) refuse('"::" selects one of git\'s remote helpers')
  if (url.startsWith('/')) return 'file'
  const scheme = Object.keys(SCHEMES).find((prefix) => url.startsWith(prefix))
  if (scheme) {
    const authority = url.slice(scheme.length).split('/')[0] ?? ''
    const host = authority.slice(authority.lastIndexOf('@') + 1)
    if (host.length === 0) refuse('no host')
    if (host.startsWith('-') || authority.startsWith('-')) refuse('host or user starts with "-"')
    return SCHEMES[scheme]!
  }
  if (SCP_LIKE.test(url)) {
    const path = url.slice(url.indexOf(':') + 1)
    if (path.startsWith('-')) refuse('path starts with "-"')
    return 'ssh'
  }
  return refuse('https://, ssh://, git://, user@host:path or an absolute path')
}

/** A branch, tag or commit id git will read as such and never as an option; `validation` otherwise. */
export function checkGitRef(ref: string): string {
  if (!isValidGitRef(ref)) {
    throw new AppError('validation', 'Not a branch, tag or commit (as git check-ref-format accepts it)', 'ref')
  }
  return ref
}

export const isFullCommitSha = (value: string): boolean => FULL_SHA.test(value)

/**
 * The URL without a password or token, for logs and messages: `https://user:secret@host/…` → `https://user:***@host/…`,
 * and an https user alone (GitHub takes a token there) → `https://***@host/…`. An ssh user (`git@`) is no secret.
 */
export function redactGitUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)([^/@]*)@/i, (_all, scheme: string, userinfo: string) => {
    if (userinfo.includes(':')) return `${scheme}${userinfo.split(':')[0]}:***@`
    return scheme.toLowerCase() === 'https://' ? `${scheme}***@` : `${scheme}${userinfo}@`
  })
}
