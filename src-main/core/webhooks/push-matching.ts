import { z } from 'zod'
import { normalizeRepoUrl } from './repo-url'

/** The fields of a GitHub `push` event glinrdock reads; GitHub sends many more, which are ignored. */
export const PushEvent = z.object({
  ref: z.string().max(1024),
  after: z.string().max(128),
  deleted: z.boolean().optional(),
  repository: z.object({
    clone_url: z.string().max(2048).nullish(),
    ssh_url: z.string().max(2048).nullish(),
    git_url: z.string().max(2048).nullish(),
    html_url: z.string().max(2048).nullish(),
  }),
})
export type PushEvent = z.infer<typeof PushEvent>

/** A service with a git source, as far as webhooks and the poller need it. */
export interface GitServiceTarget {
  id: string
  projectId: string
  git: { url: string; ref: string; poll?: boolean; pollIntervalSeconds?: number }
  autoDeploy: boolean
}

export type PushDecision =
  { kind: 'ignored'; reason: string } | { kind: 'build'; branch: string; commit: string; services: GitServiceTarget[] }

const ZERO_COMMIT = /^0+$/
const FULL_COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/

/**
 * What a push asks for: nothing when it deletes a branch (`deleted`, or `after` all zeros) or pushes a tag, else a
 * build of exactly the pushed commit for every service whose source is this repository (by any of the URLs GitHub
 * names it by) and whose ref is the pushed branch.
 */
export function decidePush(event: PushEvent, services: GitServiceTarget[]): PushDecision {
  if (event.deleted === true || ZERO_COMMIT.test(event.after)) return { kind: 'ignored', reason: 'branch deleted' }
  if (!event.ref.startsWith('refs/heads/')) return { kind: 'ignored', reason: 'not a branch' }
  if (!FULL_COMMIT.test(event.after)) return { kind: 'ignored', reason: 'no commit' }
  const branch = event.ref.slice('refs/heads/'.length)
  const repo = event.repository
  const names = new Set(
    [repo.clone_url, repo.ssh_url, repo.git_url, repo.html_url]
      .map((url) => (url ? normalizeRepoUrl(url) : null))
      .filter((name): name is string => name !== null),
  )
  if (names.size === 0) return { kind: 'ignored', reason: 'no repository URL' }
  const matches = services.filter((s) => s.git.ref === branch && names.has(normalizeRepoUrl(s.git.url) ?? ''))
  if (matches.length === 0) return { kind: 'ignored', reason: 'no service follows this branch' }
  return { kind: 'build', branch, commit: event.after, services: matches }
}
