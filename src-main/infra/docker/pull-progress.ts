/** One report of a pull's progress. */
export interface PullProgress {
  /** 0–100; never goes down, and 100 only once the engine reported the pull complete. */
  percent: number
  message: string
}

export interface PullOutcome {
  /** `fromImage:tag` or `fromImage@digest`. */
  image: string
  digest: string | null
  /** The engine already had this exact image. */
  upToDate: boolean
  /** The engine's last status line ("Status: Downloaded newer image for …"). */
  status: string
}

/** One line of the engine's NDJSON pull stream. */
export interface PullLine {
  id?: string
  status?: string
  progressDetail?: { current?: number; total?: number }
  error?: string
  errorDetail?: { message?: string }
}

interface Layer {
  /** Compressed bytes, once the engine told us. */
  size: number | undefined
  downloaded: number
  extracted: number
  /** Counts for nothing: the engine already had it. */
  existed: boolean
}

const LAYER_STATUSES = new Set([
  'Pulling fs layer',
  'Waiting',
  'Downloading',
  'Verifying Checksum',
  'Download complete',
  'Extracting',
  'Pull complete',
  'Already exists',
  'Retrying',
])

/**
 * Turns the engine's per-layer lines into one percentage: every byte counts once downloaded and once extracted,
 * over the bytes known. A layer whose size is not known yet weighs the average of the known ones, so the first
 * small layer of a large image does not read as half the pull. Layers the engine already had weigh nothing.
 */
export class PullTracker {
  private readonly layers = new Map<string, Layer>()
  private lastStatus: string | undefined
  private digest: string | null = null
  private upToDate = false

  apply(line: PullLine): void {
    const status = line.status ?? ''
    const phase = status.startsWith('Retrying') ? 'Retrying' : status
    if (line.id && LAYER_STATUSES.has(phase)) return this.applyLayer(line.id, phase, line.progressDetail)
    if (!status) return
    this.lastStatus = status
    const digest = /^Digest: (\S+)/.exec(status)
    if (digest) this.digest = digest[1]!
    if (/^Status: Image is up to date/.test(status)) this.upToDate = true
  }

  /** Below 100 until the engine says it is done (see {@link outcome}); monotonic clamping is the reporter's. */
  progress(): PullProgress {
    const layers = [...this.layers.values()].filter((layer) => !layer.existed)
    const sized = layers.filter((layer) => layer.size !== undefined)
    const average = sized.length > 0 ? sized.reduce((sum, layer) => sum + layer.size!, 0) / sized.length : 0
    let done = 0
    let total = 0
    let downloaded = 0
    let known = 0
    for (const layer of layers) {
      const weight = layer.size ?? average
      total += 2 * weight
      if (layer.size !== undefined) {
        done += layer.downloaded + layer.extracted
        downloaded += layer.downloaded
        known += layer.size
      }
    }
    const percent = total > 0 ? Math.min(99, Math.floor((100 * done) / total)) : 0
    return { percent, message: this.message(layers, downloaded, known) }
  }

  outcome(image: string): PullOutcome {
    return { image, digest: this.digest, upToDate: this.upToDate, status: this.lastStatus ?? `Pulled ${image}` }
  }

  private applyLayer(id: string, phase: string, detail: PullLine['progressDetail']): void {
    let layer = this.layers.get(id)
    if (!layer) this.layers.set(id, (layer = { size: undefined, downloaded: 0, extracted: 0, existed: false }))
    const current = typeof detail?.current === 'number' ? detail.current : undefined
    const total = typeof detail?.total === 'number' && detail.total > 0 ? detail.total : undefined
    switch (phase) {
      case 'Downloading':
        if (total !== undefined) layer.size = total
        if (current !== undefined) layer.downloaded = Math.min(current, layer.size ?? current)
        break
      case 'Verifying Checksum':
      case 'Download complete':
        if (layer.size !== undefined) layer.downloaded = layer.size
        break
      case 'Extracting':
        layer.size ??= total
        if (layer.size !== undefined) layer.downloaded = layer.size
        if (current !== undefined) layer.extracted = Math.min(current, layer.size ?? current)
        break
      case 'Pull complete':
        if (layer.size !== undefined) layer.downloaded = layer.extracted = layer.size
        else layer.existed = true // finished without a size: nothing to weigh
        break
      case 'Already exists':
        layer.existed = true
        break
      case 'Retrying':
        layer.downloaded = 0
        break
    }
  }

  private message(layers: Layer[], downloaded: number, known: number): string {
    const count = layers.length
    const noun = `${count} layer${count === 1 ? '' : 's'}`
    const unsized = layers.filter((layer) => layer.size === undefined).length
    if (count > 0 && unsized === count) return `Preparing ${noun}`
    if (unsized > 0 || downloaded < known) {
      const waiting = unsized > 0 ? ` (${unsized} not started)` : ''
      return `Downloading ${noun}: ${formatBytes(downloaded)} of ${formatBytes(known)}${waiting}`
    }
    if (layers.some((layer) => layer.extracted < layer.size!)) return `Extracting ${noun}`
    return this.lastStatus ?? 'Waiting for the engine'
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`
}

/**
 * At most one report per interval: the first at once, later ones trailing, so the last state before a pause is
 * never lost. The percentage never goes down (a layer whose size arrives late can lower the computed one).
 */
export class ProgressReporter {
  private lastAt = -Infinity
  private lastPercent = 0
  private sent: PullProgress | undefined
  private pending: PullProgress | undefined
  private timer: NodeJS.Timeout | undefined
  /** What a trailing report's callback threw: no caller was on the stack then, so the next report throws it. */
  private failure: { error: unknown } | undefined

  constructor(
    private readonly onProgress: ((progress: PullProgress) => void) | undefined,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  report(progress: PullProgress): void {
    if (this.failure) throw this.failure.error
    if (!this.onProgress) return
    this.pending = { percent: Math.max(this.lastPercent, progress.percent), message: progress.message }
    const wait = this.lastAt + this.intervalMs - this.now()
    if (wait <= 0) this.flush()
    else
      this.timer ??= setTimeout(() => {
        try {
          this.flush()
        } catch (error) {
          this.failure = { error }
        }
      }, wait)
  }

  finish(progress: PullProgress): void {
    if (this.failure) throw this.failure.error
    this.cancel()
    this.pending = progress
    this.flush()
  }

  cancel(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.pending = undefined
  }

  private flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const next = this.pending
    this.pending = undefined
    if (!next || !this.onProgress) return
    if (this.sent && this.sent.percent === next.percent && this.sent.message === next.message) return
    this.lastAt = this.now()
    this.lastPercent = next.percent
    this.sent = next
    this.onProgress(next)
  }
}
