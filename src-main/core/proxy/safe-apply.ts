import type Dockerode from 'dockerode'
import { AppError } from '../shared/app-error'
import type { ServingCertificate } from '../shared/proxy-ports'
import {
  ACME_DIR,
  CERTS_DIR,
  CONF_DIR,
  HEALTH_PATH,
  HEALTH_PORT,
  checkDomain,
  checkName,
  type RenderedConfig,
} from './nginx-config'
import { demuxExec, execIn, putFiles, type ExecResult, type ProxyFile } from './proxy-files'

/**
 * How a configuration goes live without ever leaving nginx on a broken one: each generation is staged in its own
 * directory with its own candidate main file, `nginx -t` checks the whole tree, only then the live main file is
 * swapped and nginx reloads, and the health location must answer the new hash. A reload is asynchronous (an
 * `[emerg]` at reload time leaves the old workers serving), so only that answer proves the switch.
 */

const LIVE_MAIN = `${CONF_DIR}/nginx.conf`
const CONFIRM_MS = 5_000
const GENERATION = /^[a-f0-9]{64}$/
const PREVIEW = /^preview-[a-f0-9]{16}$/

const genDir = (name: string): string => `${CONF_DIR}/gen/${name}`
export const candidatePath = (name: string): string => `${CONF_DIR}/nginx.${name}.conf`
/** The main file is one include: swapping it is a small write, and the previous generation stays whole on disk. */
const mainFileFor = (name: string): string =>
  `# glinrdock: the live generation (replaced by each apply)\ninclude ${genDir(name)}/nginx.conf;\n`

interface ApplyContext {
  signal?: AbortSignal
  log?: (line: string) => void
}

/** The files of one generation: its directory and its candidate main file. */
export function generationFiles(name: string, rendered: RenderedConfig): ProxyFile[] {
  return [
    { path: 'gen', mode: 0o755 },
    { path: `gen/${name}`, mode: 0o755 },
    { path: `gen/${name}/nginx.conf`, content: rendered.text, mode: 0o644 },
    { path: `nginx.${name}.conf`, content: mainFileFor(name), mode: 0o644 },
  ]
}

/** The tree a new container starts with: one generation, already live. */
export function seedFiles(rendered: RenderedConfig): ProxyFile[] {
  return [...generationFiles(rendered.hash, rendered), { path: 'nginx.conf', content: mainFileFor(rendered.hash) }]
}

async function writeCertificates(
  container: Dockerode.Container,
  certs: ServingCertificate[],
  signal?: AbortSignal,
): Promise<void> {
  if (certs.length > 0) await putFiles(container, CERTS_DIR, certificateFiles(certs), signal)
}

/** Each certificate's chain and key under `<domain>/<serial>/`, keys 0600 in 0700 directories. */
export function certificateFiles(certs: ServingCertificate[]): ProxyFile[] {
  const files: ProxyFile[] = []
  for (const cert of certs) {
    const domain = checkDomain(cert.domain)
    const serial = checkName('serial', cert.serial)
    files.push(
      { path: domain, mode: 0o700 },
      { path: `${domain}/${serial}`, mode: 0o700 },
      { path: `${domain}/${serial}/fullchain.pem`, content: cert.chainPem, mode: 0o600 },
      { path: `${domain}/${serial}/privkey.pem`, content: cert.keyPem, mode: 0o600 },
    )
  }
  return files
}

/** nginx's own words, trimmed to the `[emerg]` lines when it printed any. */
function nginxReason(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const emerg = lines.filter((l) => l.includes('[emerg]'))
  return (emerg.length > 0 ? emerg : lines).join('\n').slice(0, 2_000) || 'nginx gave no reason'
}

async function testCandidate(
  container: Dockerode.Container,
  name: string,
  signal?: AbortSignal,
): Promise<{ ok: boolean; output: string }> {
  const result = await execIn(container, ['nginx', '-t', '-c', candidatePath(name)], signal)
  return { ok: result.exitCode === 0, output: `${result.stderr}${result.stdout}`.trim() }
}

async function readText(container: Dockerode.Container, path: string, signal?: AbortSignal): Promise<string | null> {
  const result = await execIn(container, ['cat', '--', path], signal)
  return result.exitCode === 0 ? result.stdout : null
}

/** The generation the live main file includes, or null (a tree glinrdock did not write). */
function liveGeneration(mainFile: string | null): string | null {
  const match = mainFile?.match(/^include \/etc\/glinrdock\/gen\/([a-f0-9]{64})\/nginx\.conf;$/m)
  return match?.[1] ?? null
}

/** What the health location answers right now (`null` when nothing answers). */
export async function servedHash(container: Dockerode.Container, signal?: AbortSignal): Promise<string | null> {
  const url = `http://127.0.0.1:${HEALTH_PORT}${HEALTH_PATH}`
  let result: ExecResult = await execIn(container, ['wget', '-q', '-O', '-', url], signal)
  // An image without busybox's wget: curl, where the image has it instead.
  if (result.exitCode === 126 || result.exitCode === 127)
    result = await execIn(container, ['curl', '-fsS', url], signal)
  if (result.exitCode !== 0) return null
  const hash = result.stdout.trim()
  return GENERATION.test(hash) ? hash : null
}

/** Polls the health location for up to 5 s until it answers `hash` (`null`: any configuration of ours). */
export async function waitForHash(
  container: Dockerode.Container,
  hash: string | null,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + CONFIRM_MS
  for (;;) {
    const served = await servedHash(container, signal).catch(() => null)
    if (served !== null && (hash === null || served === hash)) return true
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function reload(container: Dockerode.Container, signal?: AbortSignal): Promise<ExecResult> {
  return execIn(container, ['nginx', '-c', LIVE_MAIN, '-s', 'reload'], signal)
}

/** nginx opens its log files again: writes go to the files now at their paths. */
export async function reopenLogs(container: Dockerode.Container): Promise<void> {
  const reopened = await execIn(container, ['nginx', '-c', LIVE_MAIN, '-s', 'reopen'])
  if (reopened.exitCode !== 0) {
    throw new AppError('proxy_rejected', `nginx could not reopen its logs: ${nginxReason(reopened.stderr)}`)
  }
}

/** `[emerg]` lines nginx logged since a moment (a reload that failed in the master says why only there). */
async function emergSince(container: Dockerode.Container, since: number): Promise<string> {
  try {
    const buffer = (await container.logs({ stdout: true, stderr: true, since, follow: false })) as unknown as Buffer
    const { stdout, stderr } = demuxExec(buffer)
    return `${stderr}\n${stdout}`
      .split('\n')
      .filter((l) => l.includes('[emerg]'))
      .join('\n')
  } catch {
    return ''
  }
}

async function remove(container: Dockerode.Container, paths: string[]): Promise<void> {
  if (paths.length > 0) await execIn(container, ['rm', '-rf', '--', ...paths])
}

async function list(container: Dockerode.Container, dir: string): Promise<string[]> {
  const result = await execIn(container, ['ls', '-1', '--', dir])
  return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean) : []
}

/** Keeps the live and the previous generation (the one a failed apply goes back to); removes the rest. */
async function pruneGenerations(container: Dockerode.Container, keep: string[]): Promise<void> {
  const keepSet = new Set(keep)
  const gens = (await list(container, `${CONF_DIR}/gen`)).filter(
    (n) => (GENERATION.test(n) || PREVIEW.test(n)) && !keepSet.has(n),
  )
  const mains = (await list(container, CONF_DIR))
    .map((n) => n.match(/^nginx\.([a-z0-9-]+)\.conf$/)?.[1])
    .filter((n): n is string => n !== undefined && (GENERATION.test(n) || PREVIEW.test(n)) && !keepSet.has(n))
  await remove(container, [...gens.map(genDir), ...mains.map(candidatePath)])
}

/** Removes certificate files no longer served: other serials of a domain, and domains with no TLS route. */
async function pruneCertificates(container: Dockerode.Container, serving: ServingCertificate[]): Promise<void> {
  const wanted = new Map(serving.map((c) => [c.domain, c.serial]))
  const stale: string[] = []
  for (const domain of await list(container, CERTS_DIR)) {
    if (!/^[a-z0-9.-]+$/.test(domain)) continue
    const serial = wanted.get(domain)
    if (serial === undefined) {
      stale.push(`${CERTS_DIR}/${domain}`)
      continue
    }
    for (const s of await list(container, `${CERTS_DIR}/${domain}`)) {
      if (s !== serial && /^[A-Za-z0-9]+$/.test(s)) stale.push(`${CERTS_DIR}/${domain}/${s}`)
    }
  }
  await remove(container, stale)
}

/**
 * Stage → test → swap → reload → confirm. Throws `proxy_rejected` with nginx's reason when the candidate fails
 * its test (nothing live changed) or the reload does not confirm (the previous main file is back and reloaded).
 * A cancel is honoured up to the swap; from the swap on the apply runs to its end (confirmed, or restored), since
 * stopping in between would leave nginx on a tree nobody recorded.
 */
export async function safeApply(
  container: Dockerode.Container,
  rendered: RenderedConfig,
  certs: ServingCertificate[],
  ctx: ApplyContext = {},
): Promise<void> {
  const { signal, log = () => undefined } = ctx
  const name = rendered.hash
  const previous = await readText(container, LIVE_MAIN, signal)
  const previousGen = liveGeneration(previous)
  await writeCertificates(container, certs, signal)
  await putFiles(container, CONF_DIR, generationFiles(name, rendered), signal)
  log(`Staged configuration ${name.slice(0, 12)}`)
  const test = await testCandidate(container, name, signal)
  if (!test.ok) {
    // Never the live generation's files (the store may be behind what the proxy serves).
    if (name !== previousGen) await remove(container, [genDir(name), candidatePath(name)]).catch(() => undefined)
    throw new AppError('proxy_rejected', `nginx refused the configuration: ${nginxReason(test.output)}`)
  }
  log('nginx -t accepted the configuration')
  signal?.throwIfAborted()
  await putFiles(container, CONF_DIR, [{ path: 'nginx.conf', content: mainFileFor(name) }])
  const since = Math.floor(Date.now() / 1000) - 1
  let reason: string | null = null
  try {
    const reloaded = await reload(container)
    if (reloaded.exitCode !== 0) reason = nginxReason(`${reloaded.stderr}${reloaded.stdout}`)
    else if (!(await waitForHash(container, name)))
      reason = (await emergSince(container, since)) || 'nginx did not start serving the new configuration within 5 s'
  } catch (err) {
    reason = `the engine failed during the reload (${(err as Error).message})`
  }
  if (reason !== null) {
    const restored = await restore(container, previous, previousGen)
    throw new AppError('proxy_rejected', `nginx did not take the configuration (${restored}): ${nginxReason(reason)}`)
  }
  log(`nginx serves configuration ${name.slice(0, 12)}`)
  await pruneGenerations(container, [name, ...(previousGen && previousGen !== name ? [previousGen] : [])]).catch(
    () => undefined,
  )
  await pruneCertificates(container, certs).catch(() => undefined)
}

/** Puts the previous main file back and reloads it; answers what serves now, for the error. */
async function restore(
  container: Dockerode.Container,
  previous: string | null,
  previousGen: string | null,
): Promise<string> {
  if (previous === null) return 'there was no previous configuration to go back to'
  try {
    await putFiles(container, CONF_DIR, [{ path: 'nginx.conf', content: previous }])
    const reloaded = await reload(container)
    if (reloaded.exitCode === 0 && (previousGen === null || (await waitForHash(container, previousGen))))
      return 'the previous one serves'
  } catch {
    // Said below: the previous files are back on disk, whatever nginx made of them.
  }
  return 'the previous files are back, but nginx did not confirm them'
}

/** `nginx -t` of a configuration staged under a throw-away name, removed again: nothing live changes. */
export async function previewTest(
  container: Dockerode.Container,
  rendered: RenderedConfig,
  certs: ServingCertificate[],
  previewName: string,
  signal?: AbortSignal,
): Promise<{ ok: boolean; output: string }> {
  if (!PREVIEW.test(previewName)) throw new AppError('internal', 'Bad preview name')
  await writeCertificates(container, certs, signal)
  await putFiles(container, CONF_DIR, generationFiles(previewName, rendered), signal)
  try {
    return await testCandidate(container, previewName, signal)
  } finally {
    await remove(container, [genDir(previewName), candidatePath(previewName)]).catch(() => undefined)
  }
}

const CHALLENGE_DIR = '.well-known/acme-challenge'

export async function putChallengeFile(
  container: Dockerode.Container,
  token: string,
  keyAuthorization: string,
): Promise<void> {
  if (!CHALLENGE_TOKEN.test(token)) throw new AppError('validation', 'Not an ACME challenge token', 'token')
  await putFiles(container, ACME_DIR, [
    { path: '.well-known', mode: 0o755 },
    { path: CHALLENGE_DIR, mode: 0o755 },
    { path: `${CHALLENGE_DIR}/${token}`, content: keyAuthorization, mode: 0o644 },
  ])
}

/** An ACME token (base64url): the only thing a challenge file may be named. */
export const CHALLENGE_TOKEN = /^[A-Za-z0-9_-]{1,256}$/

export async function removeChallengeFile(container: Dockerode.Container, token: string): Promise<void> {
  if (!CHALLENGE_TOKEN.test(token)) throw new AppError('validation', 'Not an ACME challenge token', 'token')
  await remove(container, [`${ACME_DIR}/${CHALLENGE_DIR}/${token}`])
}
