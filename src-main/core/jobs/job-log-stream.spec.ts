import { describe, expect, it } from 'vitest'
import type { JobLogBatch } from '../../../src-preload/contract/jobs'
import { createLogger } from '../../infra/logging/logger'
import { Dispatcher, type Handlers, type StreamHandlers } from '../rpc/dispatcher'
import { StreamChannel, type StreamMessage } from '../rpc/stream-channel'
import { openJobLogStream } from './job-log-stream'
import { eventually, gate, harness, sleep } from './job-test-support'

const KIND = 'test.work'

function client(watermarks?: { high: number; low: number }) {
  const messages: StreamMessage[] = []
  const channel = new StreamChannel<JobLogBatch>((m) => messages.push(m), watermarks)
  const batches = () => messages.filter((m) => m.kind === 'data').map((m) => m.data as JobLogBatch)
  const texts = () => batches().flatMap((b) => b.lines.map((l) => l.text))
  const ended = () => messages.some((m) => m.kind === 'end')
  return { channel, messages, batches, texts, ended }
}

/** A job that logs what the test tells it to, and finishes when told. */
function scriptedJob(options: Parameters<typeof harness>[0] = {}) {
  const h = harness(options)
  let log: ((line: string) => void) | undefined
  const started = gate()
  const finish = gate()
  h.runner.register(KIND, async (_job, ctx) => {
    log = ctx.log
    started.open()
    await finish.promise
  })
  h.runner.start()
  const job = h.runner.enqueue({ kind: KIND, payload: {} })
  return {
    ...h,
    job,
    started: started.promise,
    log: (...lines: string[]) => lines.forEach((line) => log!(line)),
    finish: finish.open,
  }
}

describe('jobs.log stream', () => {
  it('sends the lines already kept, then new lines live in batches, and ends when the job finishes', async () => {
    const job = scriptedJob()
    await job.started
    job.log('one', 'two', 'three')
    await sleep(250) // some of them in the store, the rest still buffered: the stream sees all of them
    job.log('four')
    const c = client()
    openJobLogStream(job.runner, job.job.id, c.channel)
    expect(c.batches()).toHaveLength(1)
    expect(c.texts()).toEqual(['one', 'two', 'three', 'four'])
    job.log('five', 'six')
    expect(c.texts()).toHaveLength(4) // batched, not one message per line
    await eventually(() => c.texts().length === 6)
    expect(c.batches()).toHaveLength(2)
    expect(c.batches()[1]!.lines.map((l) => l.seq)).toEqual([5, 6])
    expect(c.ended()).toBe(false)
    job.log('seven')
    job.finish()
    await job.until(job.job.id, 'succeeded')
    expect(c.texts()).toEqual(['one', 'two', 'three', 'four', 'five', 'six', 'seven'])
    expect(c.messages.at(-1)).toEqual({ kind: 'end' })
    job.runner.dispose()
  })

  it('sends a finished job’s kept lines and ends at once', async () => {
    const job = scriptedJob()
    await job.started
    job.log('done\nand dusted')
    job.finish()
    await job.until(job.job.id, 'succeeded')
    const c = client()
    openJobLogStream(job.runner, job.job.id, c.channel)
    expect(c.texts()).toEqual(['done', 'and dusted'])
    expect(c.messages.at(-1)).toEqual({ kind: 'end' })
    job.runner.dispose()
  })

  it('follows a queued job from its first line, and ends when it is canceled before it runs', () => {
    const { runner } = harness({ concurrency: 1 })
    runner.register(KIND, async () => undefined)
    const queued = runner.enqueue({ kind: KIND, payload: {} })
    const c = client()
    openJobLogStream(runner, queued.id, c.channel)
    expect(c.messages).toEqual([])
    runner.cancel(queued.id)
    expect(c.messages).toEqual([{ kind: 'end' }])
  })

  it('holds lines for a client that does not acknowledge, dropping and counting all but the last 500', async () => {
    const job = scriptedJob()
    await job.started
    job.log('kept')
    const c = client({ high: 10, low: 5 })
    openJobLogStream(job.runner, job.job.id, c.channel)
    expect(c.channel.congested).toBe(true)
    for (let i = 1; i <= 700; i++) job.log(`live ${i}`)
    await sleep(80)
    expect(c.batches()).toHaveLength(1)
    c.channel.ack(1)
    const [, live] = c.batches()
    expect(live!.skipped).toBe(200)
    expect(live!.lines).toHaveLength(500)
    expect(live!.lines[0]).toMatchObject({ seq: 202, text: 'live 201' })
    job.finish()
    await job.until(job.job.id, 'succeeded')
    expect(c.ended()).toBe(true)
    job.runner.dispose()
  })

  it('is opened through the dispatcher: read role, a well-formed id, and not_found for an unknown job', async () => {
    const { runner } = harness()
    const handlers = {
      'jobs.log': ({ jobId }, _ctx, sink) => openJobLogStream(runner, jobId, sink),
    } as Partial<StreamHandlers> as StreamHandlers
    const dispatcher = new Dispatcher({} as Handlers, handlers, createLogger({ level: 'silent' }))
    const viewer = { role: 'viewer' as const, actor: 't' }
    await expect(dispatcher.openStream('jobs.log', { jobId: '../x' }, viewer, client().channel)).rejects.toMatchObject({
      code: 'validation',
      field: 'jobId',
    })
    await expect(
      dispatcher.openStream('jobs.log', { jobId: 'zzzzzzzzzzzz' }, viewer, client().channel),
    ).rejects.toMatchObject({ code: 'not_found' })
    runner.dispose()
  })
})
