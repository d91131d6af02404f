import { afterEach, describe, expect, it, vi } from 'vitest'
import { formatBytes, ProgressReporter, PullTracker, type PullLine, type PullProgress } from './pull-progress'

const feed = (tracker: PullTracker, lines: PullLine[]): number[] =>
  lines.map((line) => {
    tracker.apply(line)
    return tracker.progress().percent
  })

const downloading = (id: string, current: number, total: number): PullLine => ({
  id,
  status: 'Downloading',
  progressDetail: { current, total },
})
const extracting = (id: string, current: number, total: number): PullLine => ({
  id,
  status: 'Extracting',
  progressDetail: { current, total },
})

describe('PullTracker', () => {
  it('counts every byte once downloaded and once extracted, and stays below 100 until the engine is done', () => {
    const tracker = new PullTracker()
    const percents = feed(tracker, [
      { status: 'Pulling from team/app', id: '1' },
      { id: 'a', status: 'Pulling fs layer', progressDetail: {} },
      downloading('a', 250, 1000),
      downloading('a', 1000, 1000),
      { id: 'a', status: 'Verifying Checksum', progressDetail: {} },
      { id: 'a', status: 'Download complete', progressDetail: {} },
      extracting('a', 500, 1000),
      extracting('a', 1000, 1000),
      { id: 'a', status: 'Pull complete', progressDetail: {} },
      { status: 'Digest: sha256:abc' },
      { status: 'Status: Downloaded newer image for 127.0.0.1:5000/team/app:1' },
    ])
    expect(percents).toEqual([0, 0, 12, 50, 50, 50, 75, 99, 99, 99, 99])
    expect(tracker.outcome('127.0.0.1:5000/team/app:1')).toEqual({
      image: '127.0.0.1:5000/team/app:1',
      digest: 'sha256:abc',
      upToDate: false,
      status: 'Status: Downloaded newer image for 127.0.0.1:5000/team/app:1',
    })
  })

  it('weighs layers by their size, and a layer of unknown size as the average of the known ones', () => {
    const tracker = new PullTracker()
    feed(tracker, [
      { id: 'small', status: 'Pulling fs layer' },
      { id: 'big', status: 'Pulling fs layer' },
      { id: 'later', status: 'Waiting' },
      downloading('small', 100, 100),
      downloading('big', 0, 900),
    ])
    // Known: 100 + 900 bytes; `later` weighs 500. Done: 100 of 2 × 1500.
    expect(tracker.progress().percent).toBe(3)
    tracker.apply(downloading('big', 900, 900))
    expect(tracker.progress().percent).toBe(33)
    expect(tracker.progress().message).toBe('Downloading 3 layers: 1.0 kB of 1.0 kB (1 not started)')
  })

  it('gives layers the engine already had no weight, and reads "up to date" when nothing was needed', () => {
    const tracker = new PullTracker()
    feed(tracker, [
      { id: 'a', status: 'Already exists', progressDetail: {} },
      { id: 'b', status: 'Pulling fs layer' },
      downloading('b', 50, 100),
    ])
    expect(tracker.progress().percent).toBe(25)
    const cached = new PullTracker()
    feed(cached, [
      { status: 'Pulling from team/app', id: '1' },
      { status: 'Digest: sha256:def' },
      { status: 'Status: Image is up to date for team/app:1' },
    ])
    expect(cached.progress()).toEqual({ percent: 0, message: 'Status: Image is up to date for team/app:1' })
    expect(cached.outcome('team/app:1')).toMatchObject({ upToDate: true, digest: 'sha256:def' })
  })

  it('starts a layer over when the engine retries its download', () => {
    const tracker = new PullTracker()
    feed(tracker, [downloading('a', 80, 100), { id: 'a', status: 'Retrying in 5 seconds' }])
    expect(tracker.progress().percent).toBe(0)
  })

  it('never lets a reported byte count exceed the layer size', () => {
    const tracker = new PullTracker()
    feed(tracker, [downloading('a', 5000, 100), extracting('a', 5000, 100)])
    expect(tracker.progress().percent).toBe(99)
  })

  it('tells extraction from download in its message', () => {
    const tracker = new PullTracker()
    feed(tracker, [downloading('a', 1_500_000, 1_500_000), extracting('a', 10, 1_500_000)])
    expect(tracker.progress().message).toBe('Extracting 1 layer')
    tracker.apply(downloading('b', 10, 2_000_000))
    expect(tracker.progress().message).toBe('Downloading 2 layers: 1.5 MB of 3.5 MB')
  })
})

describe('ProgressReporter', () => {
  afterEach(() => vi.useRealTimers())

  function reporter(intervalMs = 200) {
    vi.useFakeTimers()
    const sent: (PullProgress & { at: number })[] = []
    const r = new ProgressReporter(
      (p) => sent.push({ ...p, at: Date.now() }),
      intervalMs,
      () => Date.now(),
    )
    return { r, sent }
  }

  it('reports at most once per interval, the first at once and the last state trailing', () => {
    const { r, sent } = reporter()
    const start = Date.now()
    for (let i = 1; i <= 50; i++) {
      r.report({ percent: i, message: `m${i}` })
      vi.advanceTimersByTime(10)
    }
    vi.advanceTimersByTime(500)
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at)
    expect(sent[0]).toMatchObject({ percent: 1, at: start })
    expect(gaps.every((gap) => gap >= 200)).toBe(true)
    expect(sent.at(-1)).toMatchObject({ percent: 50, message: 'm50' })
    // At 0, 200 and 400 ms, and the last report (made at 490 ms) at 600 ms.
    expect(sent.map((s) => s.at - start)).toEqual([0, 200, 400, 600])
  })

  it('never reports a lower percentage than before', () => {
    const { r, sent } = reporter(0)
    r.report({ percent: 40, message: 'a' })
    r.report({ percent: 10, message: 'b' })
    expect(sent.map((s) => s.percent)).toEqual([40, 40])
  })

  it('sends the final report at once, and nothing pending after it', () => {
    const { r, sent } = reporter()
    r.report({ percent: 10, message: 'a' })
    r.report({ percent: 90, message: 'b' })
    r.finish({ percent: 100, message: 'done' })
    vi.advanceTimersByTime(1000)
    expect(sent.map((s) => s.percent)).toEqual([10, 100])
  })

  it('rethrows on the next report what a trailing callback threw', () => {
    vi.useFakeTimers()
    let calls = 0
    const r = new ProgressReporter(
      () => {
        if (++calls === 2) throw new Error('listener broke')
      },
      200,
      () => Date.now(),
    )
    r.report({ percent: 1, message: 'a' })
    r.report({ percent: 2, message: 'b' })
    vi.advanceTimersByTime(300)
    expect(() => r.report({ percent: 3, message: 'c' })).toThrow('listener broke')
  })
})

describe('formatBytes', () => {
  it('uses decimal units like the docker CLI', () => {
    expect([formatBytes(999), formatBytes(36_450), formatBytes(1_069_016), formatBytes(250_000_000)]).toEqual([
      '999 B',
      '36.5 kB',
      '1.1 MB',
      '250 MB',
    ])
  })
})
