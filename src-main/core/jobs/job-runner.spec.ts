import { describe, expect, it } from 'vitest'
import { AppError } from '../shared/app-error'
import { MAX_LOG_LINES } from './job-log-hub'
import { gate, harness, sleep } from './job-test-support'

const KIND = 'test.work'

describe('JobRunner claiming', () => {
  it('never runs two jobs of one lock key at once, nor more than `concurrency` in all', async () => {
    const { runner, until } = harness({ concurrency: 2 })
    const runningByKey = new Map<string, number>()
    let running = 0
    let maxRunning = 0
    let maxForOneKey = 0
    runner.register<{ key: string | null; ms: number }>(KIND, async (_job, { payload }) => {
      running++
      maxRunning = Math.max(maxRunning, running)
      const key = payload.key ?? '-'
      if (payload.key) {
        runningByKey.set(key, (runningByKey.get(key) ?? 0) + 1)
        maxForOneKey = Math.max(maxForOneKey, runningByKey.get(key)!)
      }
      await sleep(payload.ms)
      if (payload.key) runningByKey.set(key, runningByKey.get(key)! - 1)
      running--
    })
    runner.start()
    const keys = ['service:a', 'service:b', 'service:c', null]
    const jobs = Array.from({ length: 60 }, (_, i) => {
      const key = keys[i % keys.length]!
      return runner.enqueue({ kind: KIND, lockKey: key, payload: { key, ms: (i * 7) % 5 } })
    })
    const done = await Promise.all(jobs.map((job) => until(job.id, 'succeeded', 'failed')))
    expect(done.every((job) => job.status === 'succeeded')).toBe(true)
    expect(maxRunning).toBe(2)
    expect(maxForOneKey).toBe(1)
    runner.dispose()
  })

  it('runs the jobs of one lock key in the order they were queued, one after the other', async () => {
    const { runner, until } = harness({ concurrency: 3 })
    const events: string[] = []
    runner.register<{ n: number }>(KIND, async (_job, { payload }) => {
      events.push(`start ${payload.n}`)
      await sleep(3 - (payload.n % 3))
      events.push(`end ${payload.n}`)
    })
    const jobs = [0, 1, 2, 3, 4].map((n) => runner.enqueue({ kind: KIND, lockKey: 'service:x', payload: { n } }))
    runner.start()
    await Promise.all(jobs.map((job) => until(job.id, 'succeeded')))
    expect(events).toEqual([0, 1, 2, 3, 4].flatMap((n) => [`start ${n}`, `end ${n}`]))
    runner.dispose()
  })

  it('counts the attempt and records start and finish', async () => {
    let clock = Date.parse('2026-03-01T10:00:00.000Z')
    const { runner, until } = harness({ now: () => new Date((clock += 1000)) })
    runner.register(KIND, async () => undefined)
    runner.start()
    const queued = runner.enqueue({ kind: KIND, hostId: null, serviceId: 'svc000000001', payload: {} })
    expect(queued).toMatchObject({ status: 'queued', attempts: 0, progress: 0, startedAt: null, finishedAt: null })
    const done = await until(queued.id, 'succeeded')
    expect(done).toMatchObject({ attempts: 1, progress: 100, error: null, serviceId: 'svc000000001', hostId: null })
    expect(Date.parse(done.startedAt!)).toBeGreaterThan(Date.parse(done.createdAt))
    expect(Date.parse(done.finishedAt!)).toBeGreaterThan(Date.parse(done.startedAt!))
    expect(runner.get(queued.id)).toEqual(done)
    runner.dispose()
  })
})

describe('JobRunner cancel', () => {
  it('cancels a queued job at once, without running it', async () => {
    const { runner, changes } = harness({ concurrency: 1 })
    const hold = gate()
    let ran = 0
    runner.register(KIND, async () => {
      ran++
      await hold.promise
    })
    runner.start()
    const first = runner.enqueue({ kind: KIND, payload: {} })
    const second = runner.enqueue({ kind: KIND, payload: {} })
    const canceled = runner.cancel(second.id)
    expect(canceled).toMatchObject({ id: second.id, status: 'canceled', error: null })
    expect(canceled.finishedAt).not.toBeNull()
    expect(changes.at(-1)).toEqual(canceled)
    hold.open()
    await sleep(20)
    expect(runner.get(first.id).status).toBe('succeeded')
    expect(runner.get(second.id).status).toBe('canceled')
    expect(ran).toBe(1)
    runner.dispose()
  })

  it('aborts a running job’s signal, and the job ends canceled when its handler throws the AbortError', async () => {
    const { runner, until } = harness()
    let sawAborted = false
    const started = gate()
    runner.register(KIND, (_job, { signal }) => {
      started.open()
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          sawAborted = signal.aborted
          reject(signal.reason as Error)
        })
      })
    })
    runner.start()
    const job = runner.enqueue({ kind: KIND, payload: {} })
    await started.promise
    expect(runner.cancel(job.id).status).toBe('running')
    const done = await until(job.id, 'canceled', 'failed', 'succeeded')
    expect(sawAborted).toBe(true)
    expect(done).toMatchObject({ status: 'canceled', error: null, message: 'Canceled' })
    runner.dispose()
  })

  it('ends a job canceled even when its handler ignores the signal and returns normally', async () => {
    const { runner, until } = harness()
    const started = gate()
    const finish = gate()
    runner.register(KIND, async () => {
      started.open()
      await finish.promise
      return 'done anyway'
    })
    runner.start()
    const job = runner.enqueue({ kind: KIND, payload: {} })
    await started.promise
    runner.cancel(job.id)
    expect(runner.cancel(job.id).status).toBe('running')
    finish.open()
    expect((await until(job.id, 'canceled', 'succeeded')).status).toBe('canceled')
    runner.dispose()
  })

  it('refuses to cancel a finished job (conflict) and an unknown one (not_found)', async () => {
    const { runner, until } = harness()
    runner.register(KIND, async () => undefined)
    runner.start()
    const job = runner.enqueue({ kind: KIND, payload: {} })
    await until(job.id, 'succeeded')
    expect(() => runner.cancel(job.id)).toThrowError(expect.objectContaining({ code: 'conflict' }))
    expect(() => runner.cancel('zzzzzzzzzzzz')).toThrowError(expect.objectContaining({ code: 'not_found' }))
    expect(() => runner.get('zzzzzzzzzzzz')).toThrowError(expect.objectContaining({ code: 'not_found' }))
    runner.dispose()
  })
})

describe('JobRunner failures', () => {
  it('keeps the code and message of an AppError the handler throws', async () => {
    const { runner, until } = harness()
    runner.register(KIND, async (_job, { progress }) => {
      progress(40, 'pulling layers')
      throw new AppError('docker_unreachable', 'The engine on web-1 did not answer')
    })
    runner.start()
    const job = runner.enqueue({ kind: KIND, payload: {} })
    expect(await until(job.id, 'failed')).toMatchObject({
      status: 'failed',
      progress: 40,
      message: 'pulling layers',
      error: { code: 'docker_unreachable', message: 'The engine on web-1 did not answer' },
    })
    runner.dispose()
  })

  it('turns any other error into `internal` without its message, and logs it', async () => {
    const { runner, until, changes, db, logged } = harness()
    runner.register(KIND, async () => {
      throw new Error('ENOENT /home/alice/.secret-path')
    })
    runner.start()
    const job = runner.enqueue({ kind: KIND, payload: {} })
    const failed = await until(job.id, 'failed')
    expect(failed.error).toEqual({ code: 'internal', message: 'Internal error' })
    expect(JSON.stringify(changes)).not.toContain('secret-path')
    expect(JSON.stringify(db.prepare('SELECT * FROM jobs').all())).not.toContain('secret-path')
    expect(logged()).toContainEqual(
      expect.objectContaining({
        jobId: job.id,
        err: expect.objectContaining({ message: expect.stringContaining('ENOENT') }),
      }),
    )
    runner.dispose()
  })

  it('refuses kinds without a handler, bad kinds, payload keys named like secrets and unknown hosts', () => {
    const { runner } = harness()
    runner.register(KIND, async () => undefined)
    expect(() => runner.register(KIND, async () => undefined)).toThrow(/already has a handler/)
    expect(() => runner.register('Bad Kind', async () => undefined)).toThrow(/Not a job kind/)
    expect(() => runner.enqueue({ kind: 'other.kind', payload: {} })).toThrow(/No handler/)
    expect(() => runner.enqueue({ kind: KIND, payload: { auth: { Password: 'x' } } })).toThrow(/sealed reference/)
    expect(() => runner.enqueue({ kind: KIND, payload: [{ privateKey: 'x' }] })).toThrow(/secret/)
    expect(() => runner.enqueue({ kind: KIND, hostId: 'nosuchhost01', payload: {} })).toThrowError(
      expect.objectContaining({ code: 'not_found', field: 'hostId' }),
    )
    expect(runner.list()).toEqual([])
  })
})

describe('JobRunner progress and log', () => {
  it('sends status changes at once and progress at most every 250 ms, ending with the latest value', async () => {
    const { runner, until, changes, events } = harness()
    const release = gate()
    const at: number[] = []
    events.on('jobs.changed', () => at.push(performance.now()))
    let firstProgressAt = 0
    runner.register(KIND, async (_job, { progress }) => {
      firstProgressAt = performance.now()
      for (let i = 1; i <= 50; i++) progress(i, `step ${i}`)
      await sleep(400)
      progress(70.4, 'almost')
      progress(71)
      await release.promise
      progress(90)
      progress(95, 'last') // inside the 250 ms after 90: held back, but the settle below is not
    })
    runner.start()
    const job = runner.enqueue({ kind: KIND, payload: {} })
    expect(changes.map((c) => c.status)).toEqual(['queued'])
    await until(job.id, 'running')
    await sleep(800)
    const running = changes.map((c, i) => ({ ...c, at: at[i]! })).filter((c) => c.status === 'running')
    expect(running[0]).toMatchObject({ progress: 0, message: null })
    // The first progress goes out at once; each later one at least 250 ms after the one before.
    expect(running[1]).toMatchObject({ progress: 1, message: 'step 1' })
    expect(running[1]!.at - firstProgressAt).toBeLessThan(200)
    for (let i = 2; i < running.length; i++) expect(running[i]!.at - running[i - 1]!.at).toBeGreaterThanOrEqual(245)
    expect(running.length).toBeLessThanOrEqual(5)
    expect(running.map((c) => c.progress)).toContain(50)
    expect(running.at(-1)).toMatchObject({ progress: 71, message: 'almost' })
    expect(runner.get(job.id)).toMatchObject({ progress: 71, message: 'almost' })
    const releasedAt = performance.now()
    release.open()
    const done = await until(job.id, 'succeeded')
    expect(done).toMatchObject({ progress: 100, message: 'last' })
    expect(at.at(-1)! - releasedAt).toBeLessThan(200)
    runner.dispose()
  })

  it('keeps only the last 500 log lines of a job, in order, as lines arrive', async () => {
    const { runner, until, db } = harness()
    const counts: number[] = []
    runner.register(KIND, async (_job, { log }) => {
      for (let i = 1; i <= 1200; i++) {
        log(`line ${i}`)
        if (i % 300 === 0) {
          await sleep(0)
          counts.push(db.prepare('SELECT COUNT(*) FROM job_log_lines').pluck().get() as number)
        }
      }
      log('two\nlines\n')
    })
    runner.start()
    const job = runner.enqueue({ kind: KIND, payload: {} })
    await until(job.id, 'succeeded')
    expect(Math.max(...counts)).toBeLessThanOrEqual(MAX_LOG_LINES)
    const rows = db.prepare('SELECT seq, text FROM job_log_lines WHERE job_id = ? ORDER BY seq').all(job.id) as {
      seq: number
      text: string
    }[]
    expect(rows).toHaveLength(MAX_LOG_LINES)
    expect(rows[0]).toEqual({ seq: 703, text: 'line 703' })
    expect(rows.slice(-3)).toEqual([
      { seq: 1200, text: 'line 1200' },
      { seq: 1201, text: 'two' },
      { seq: 1202, text: 'lines' },
    ])
    runner.dispose()
  })
})

describe('JobRunner list', () => {
  it('lists newest first, filtered by kind, status, service and host, up to the limit', async () => {
    const { runner, until, db } = harness()
    db.prepare(
      "INSERT INTO hosts (id, name, kind, socket_path, created_at) VALUES ('host00000001', 'h', 'local', '/s', 'x')",
    ).run()
    runner.register('image.pull', async () => undefined)
    runner.register('service.deploy', async () => {
      throw new AppError('conflict', 'no')
    })
    const a = runner.enqueue({ kind: 'image.pull', hostId: 'host00000001', payload: {} })
    const b = runner.enqueue({ kind: 'service.deploy', serviceId: 'svc000000001', payload: {} })
    const c = runner.enqueue({ kind: 'image.pull', payload: {} })
    runner.start()
    await Promise.all([a, b, c].map((job) => until(job.id, 'succeeded', 'failed')))
    const ids = (jobs: { id: string }[]) => jobs.map((job) => job.id)
    expect(ids(runner.list())).toEqual([c.id, b.id, a.id])
    expect(ids(runner.list({ kind: 'image.pull' }))).toEqual([c.id, a.id])
    expect(ids(runner.list({ status: 'failed' }))).toEqual([b.id])
    expect(ids(runner.list({ serviceId: 'svc000000001' }))).toEqual([b.id])
    expect(ids(runner.list({ hostId: 'host00000001' }))).toEqual([a.id])
    expect(ids(runner.list({ limit: 2 }))).toEqual([c.id, b.id])
    // A removed host keeps its jobs; they no longer name it.
    db.prepare('DELETE FROM hosts').run()
    expect(runner.get(a.id).hostId).toBeNull()
    runner.dispose()
  })
})

describe('JobRunner dispose', () => {
  it('settles running jobs as canceled ("glinrdock stopped"), fires their signal and claims nothing more', async () => {
    const { runner, until, db } = harness({ concurrency: 1 })
    const started = gate()
    let signal: AbortSignal | undefined
    runner.register(KIND, (_job, ctx) => {
      signal = ctx.signal
      started.open()
      return new Promise(() => undefined)
    })
    runner.start()
    const running = runner.enqueue({ kind: KIND, payload: {} })
    const queued = runner.enqueue({ kind: KIND, payload: {} })
    await started.promise
    runner.dispose()
    expect(signal?.aborted).toBe(true)
    expect(await until(running.id, 'canceled')).toMatchObject({ message: 'glinrdock stopped', error: null })
    const rows = db.prepare('SELECT id, status, message FROM jobs ORDER BY seq').all()
    expect(rows).toEqual([
      { id: running.id, status: 'canceled', message: 'glinrdock stopped' },
      { id: queued.id, status: 'queued', message: null },
    ])
    expect(() => runner.enqueue({ kind: KIND, payload: {} })).toThrow(/stopped/)
  })
})
