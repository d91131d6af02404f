import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import type { BuildLog } from '../../../src-preload/contract/cicd'

/** A log beyond this keeps its last half: a runaway build must not fill the operator's disk. */
export const BUILD_LOG_CAP_BYTES = 20 * 1024 * 1024
/** One line longer than this is cut (a minified bundle echoed by a RUN step). */
const MAX_LINE_CHARS = 64 * 1024
export const TRUNCATED_MARK = '[glinrdock] The start of this log was dropped: it outgrew its size limit.'

export interface BuildLogWatcher {
  onLines(lines: string[]): void
  onEnd(): void
}

/**
 * Build logs as files (`<dataDir>/builds/<id>.log`), written synchronously as lines arrive so a crash loses
 * nothing already seen, and the live subscribers of each build, told in the same turn: reading the file and
 * subscribing in one turn therefore never misses or repeats a line.
 */
export class BuildLogs {
  private readonly sizes = new Map<string, number>()
  private readonly watchers = new Map<string, Set<BuildLogWatcher>>()

  constructor(
    readonly dir: string,
    private readonly capBytes = BUILD_LOG_CAP_BYTES,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  }

  pathOf(buildId: string): string {
    return join(this.dir, `${buildId}.log`)
  }

  append(buildId: string, path: string, lines: string[]): void {
    if (lines.length === 0) return
    const clipped = lines.map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line))
    const text = clipped.map((line) => `${line}\n`).join('')
    appendFileSync(path, text, { mode: 0o600 })
    const size = (this.sizes.get(buildId) ?? 0) + Buffer.byteLength(text)
    this.sizes.set(buildId, size > this.capBytes ? this.trim(path) : size)
    for (const watcher of [...(this.watchers.get(buildId) ?? [])]) watcher.onLines(clipped)
  }

  /** No more lines will come for this build: its subscribers end. */
  end(buildId: string): void {
    this.sizes.delete(buildId)
    const watchers = this.watchers.get(buildId)
    this.watchers.delete(buildId)
    for (const watcher of [...(watchers ?? [])]) watcher.onEnd()
  }

  /** The lines so far, and a subscription to the next ones (until `end`). */
  watch(buildId: string, path: string, watcher: BuildLogWatcher): { kept: string[]; stop: () => void } {
    const kept = splitLines(this.read(path).text)
    let set = this.watchers.get(buildId)
    if (!set) this.watchers.set(buildId, (set = new Set()))
    set.add(watcher)
    return { kept, stop: () => void this.watchers.get(buildId)?.delete(watcher) }
  }

  read(path: string): BuildLog {
    if (!existsSync(path)) return { text: '', truncated: false }
    const text = readFileSync(path, 'utf8')
    if (text.startsWith(`${TRUNCATED_MARK}\n`)) return { text: text.slice(TRUNCATED_MARK.length + 1), truncated: true }
    return { text, truncated: false }
  }

  /** Deletes the log files of builds that no longer exist (removed with their service, project or host). */
  removeOrphans(exists: (buildId: string) => boolean): void {
    for (const name of readdirSync(this.dir)) {
      const match = /^([a-z0-9]+)\.log$/.exec(name)
      if (match && !exists(match[1]!)) rmSync(join(this.dir, name), { force: true })
    }
  }

  /** Keeps the last half of the cap, from a line start, behind the mark; returns the new size. */
  private trim(path: string): number {
    const data = readFileSync(path)
    let start = data.length - Math.floor(this.capBytes / 2)
    const newline = data.indexOf(0x0a, start)
    start = newline === -1 ? start : newline + 1
    const kept = Buffer.concat([Buffer.from(`${TRUNCATED_MARK}\n`), data.subarray(start)])
    const temp = `${path}.trim`
    writeFileSync(temp, kept, { mode: 0o600 })
    renameSync(temp, path)
    return statSync(path).size
  }
}

export function splitLines(text: string): string[] {
  if (text.length === 0) return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * Joins the engine's `stream` chunks into whole lines: a RUN step's output arrives cut anywhere, and `\r` progress
 * redraws (curl, apt) would otherwise become one endless line. `flush` gives the unterminated rest.
 */
export class LineAssembler {
  private rest = ''

  push(text: string): string[] {
    const parts = (this.rest + text).split('\n')
    this.rest = parts.pop() ?? ''
    if (this.rest.length > MAX_LINE_CHARS) {
      parts.push(this.rest)
      this.rest = ''
    }
    return parts.map(lastRedraw)
  }

  flush(): string[] {
    const rest = this.rest
    this.rest = ''
    return rest.length > 0 ? [lastRedraw(rest)] : []
  }
}

const lastRedraw = (line: string): string => {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line
  const at = trimmed.lastIndexOf('\r')
  return at === -1 ? trimmed : trimmed.slice(at + 1)
}
