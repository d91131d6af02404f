import { lstatSync, readFileSync, realpathSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import type { Readable } from 'node:stream'
import ignore from '@balena/dockerignore'
import { pack } from 'tar-fs'
import { AppError } from '../shared/app-error'

export interface BuildContextInput {
  /** The checked-out repository. */
  root: string
  /** A folder inside it (the service's `context`); the root when empty. */
  context?: string
  /** Relative to the context, as the Engine API's `dockerfile` parameter is. */
  dockerfile?: string
}

export interface BuildContext {
  /** The context folder (resolved). */
  dir: string
  dockerfile: string
  /** The tar stream, read as the engine reads it: nothing is buffered beyond the pipe. */
  stream: () => Readable
}

/**
 * The build context as `docker build` sends it: the folder's files as a tar, without what `.dockerignore` excludes
 * (matched by @balena/dockerignore, docker's own rules), but always with the Dockerfile and `.dockerignore` themselves.
 * Symbolic links go in as links, never followed, and the folder must resolve inside the checkout: a repository
 * cannot make glinrdock send the operator's own files by linking its context elsewhere.
 */
export function buildContext(input: BuildContextInput): BuildContext {
  const root = realpathSync(input.root)
  let dir: string
  try {
    dir = realpathSync(join(root, input.context ?? ''))
  } catch {
    throw new AppError('build_failed', `The build context ${input.context ?? '.'} is not in the repository`)
  }
  if (dir !== root && !dir.startsWith(root + sep)) {
    throw new AppError('build_failed', `The build context ${input.context} points outside the repository`)
  }
  if (!lstatSync(dir).isDirectory()) {
    throw new AppError('build_failed', `The build context ${input.context} is not a folder`)
  }
  const dockerfile = input.dockerfile ?? 'Dockerfile'
  const always = new Set([normalize(dockerfile), '.dockerignore'])
  const rules = readIgnoreRules(dir)
  const matcher = ignore().add(rules)
  // With an exception (`!dir/keep`), an excluded folder must still be walked for the files it brings back.
  const walkExcludedFolders = rules.some((rule) => rule.trim().startsWith('!'))

  const excluded = (absolute: string): boolean => {
    const path = normalize(relative(dir, absolute))
    if (path === '' || always.has(path)) return false
    if (!matcher.ignores(path)) return false
    if (!walkExcludedFolders) return true
    return !isFolder(absolute)
  }

  return {
    dir,
    dockerfile,
    // tar-stream's pack is a streamx Readable: it pipes into the HTTP request like a Node one.
    stream: () =>
      pack(dir, {
        ignore: excluded,
        // As the docker CLI sends a context: owned by root, so COPY without --chown gives root-owned files.
        map: (header) => ({ ...header, uid: 0, gid: 0, uname: '', gname: '' }) as typeof header,
      }) as unknown as Readable,
  }
}

function readIgnoreRules(dir: string): string[] {
  try {
    return readFileSync(join(dir, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  } catch {
    return []
  }
}

function isFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory()
  } catch {
    return false
  }
}

const normalize = (path: string): string => path.split(sep).join('/').replace(/^\.\//, '')
