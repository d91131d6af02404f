import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { extract } from 'tar-stream'
import { afterAll, describe, expect, it } from 'vitest'
import type { BuildLogBatch } from '../../../src-preload/contract/cicd'
import { StreamChannel, type StreamMessage } from '../rpc/stream-channel'
import { AppError } from '../shared/app-error'
import { buildContext } from './build-context'
import { BuildLogs, LineAssembler, TRUNCATED_MARK } from './build-log'
import { openBuildLogStream } from './build-log-stream'

const scratch = mkdtempSync(join(tmpdir(), 'gd-buildunits-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function tree(name: string, files: Record<string, string>): string {
  const root = join(scratch, name)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

/** What the tar holds: name → type (and, for links, their target). */
async function entries(stream: NodeJS.ReadableStream): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  const reader = extract()
  reader.on('entry', (header, body, next) => {
    found.set(header.name.replace(/\/$/, ''), header.type === 'symlink' ? `symlink:${header.linkname}` : header.type!)
    body.on('end', next)
    body.resume()
  })
  await new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve)
    reader.on('error', reject)
    stream.pipe(reader as unknown as NodeJS.WritableStream)
  })
  return found
}

describe('buildContext', () => {
  it('honours .dockerignore as docker does, and always sends the Dockerfile and .dockerignore', async () => {
    const root = tree('ignore', {
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': '# comment\nDockerfile\n.dockerignore\nsecret.txt\nlogs\n*.tmp\n!keep.tmp\n**/*.bak\n',
      'secret.txt': 'x',
      'logs/a.log': 'x',
      'keep.tmp': 'x',
      'drop.tmp': 'x',
      'src/app.js': 'x',
      'src/deep/old.bak': 'x',
    })
    const names = await entries(buildContext({ root }).stream())
    expect([...names.keys()].filter((n) => names.get(n) === 'file').sort()).toEqual(
      ['.dockerignore', 'Dockerfile', 'keep.tmp', 'src/app.js'].sort(),
    )
  })

  it('walks an excluded folder when an exception brings a file back', async () => {
    const root = tree('exception', {
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'vendor\n!vendor/keep.txt\n',
      'vendor/keep.txt': 'x',
      'vendor/drop.txt': 'x',
    })
    const names = await entries(buildContext({ root }).stream())
    expect(names.get('vendor/keep.txt')).toBe('file')
    expect(names.has('vendor/drop.txt')).toBe(false)
  })

  it('uses a context folder and a Dockerfile inside it', async () => {
    const root = tree('sub', { 'app/Dockerfile.prod': 'FROM scratch\n', 'app/x': 'x', 'other/y': 'y' })
    const context = buildContext({ root, context: 'app', dockerfile: 'Dockerfile.prod' })
    expect(context.dockerfile).toBe('Dockerfile.prod')
    const names = await entries(context.stream())
    expect(names.get('Dockerfile.prod')).toBe('file')
    expect(names.get('x')).toBe('file')
    expect([...names.keys()].some((n) => n.includes('other'))).toBe(false)
  })

  it('sends links as links, never what they point at, and refuses a context that leads out of the checkout', async () => {
    const outside = tree('outside', { 'private.key': 'secret' })
    const root = tree('links', { Dockerfile: 'FROM scratch\n' })
    symlinkSync(join(outside, 'private.key'), join(root, 'key'))
    symlinkSync(outside, join(root, 'escape'))
    const names = await entries(buildContext({ root }).stream())
    expect(names.get('key')).toBe(`symlink:${join(outside, 'private.key')}`)
    expect(names.get('escape')).toBe(`symlink:${outside}`)
    expect(() => buildContext({ root, context: 'escape' })).toThrow(AppError)
    expect(() => buildContext({ root, context: 'missing' })).toThrow(/not in the repository/)
  })
})

describe('BuildLogs', () => {
  it('keeps the end of a log that outgrows its cap, and says so', () => {
    const logs = new BuildLogs(join(scratch, 'logs-cap'), 4096)
    const path = logs.pathOf('b1')
    for (let i = 0; i < 1000; i++) logs.append('b1', path, [`line ${i} ${'x'.repeat(20)}`])
    const log = logs.read(path)
    expect(log.truncated).toBe(true)
    expect(log.text.startsWith(TRUNCATED_MARK)).toBe(false)
    expect(log.text.endsWith(`line 999 ${'x'.repeat(20)}\n`)).toBe(true)
    expect(Buffer.byteLength(log.text)).toBeLessThanOrEqual(4096)
    // Whole lines only.
    expect(log.text.split('\n')[0]).toMatch(/^line \d+ x+$/)
  })

  it('tells watchers new lines and the end, with nothing missed between the file and the live lines', () => {
    const logs = new BuildLogs(join(scratch, 'logs-watch'))
    const path = logs.pathOf('b2')
    logs.append('b2', path, ['one', 'two'])
    const live: string[] = []
    let ended = false
    const watch = logs.watch('b2', path, { onLines: (l) => live.push(...l), onEnd: () => (ended = true) })
    logs.append('b2', path, ['three'])
    logs.end('b2')
    expect(watch.kept).toEqual(['one', 'two'])
    expect(live).toEqual(['three'])
    expect(ended).toBe(true)
  })
})

describe('LineAssembler', () => {
  it('joins chunks cut anywhere into lines, and keeps only the last redraw of a \\r line', () => {
    const lines = new LineAssembler()
    expect(lines.push('Step 1/2 : FR')).toEqual([])
    expect(lines.push('OM x\n ---> abc\nprogress 10%\rprogress 50%\rprogress 100%\n')).toEqual([
      'Step 1/2 : FROM x',
      ' ---> abc',
      'progress 100%',
    ])
    expect(lines.push('tail without newline')).toEqual([])
    expect(lines.flush()).toEqual(['tail without newline'])
  })
})

describe('builds.log stream', () => {
  function client(watermarks: { high: number; low: number }) {
    const messages: StreamMessage[] = []
    const channel = new StreamChannel<BuildLogBatch>((m) => messages.push(m), watermarks)
    const lines = () => messages.flatMap((m) => (m.kind === 'data' ? (m.data as BuildLogBatch).lines : []))
    return { channel, messages, lines, ended: () => messages.some((m) => m.kind === 'end') }
  }

  it('sends the file as fast as the client acknowledges, then live lines, and ends with the build', async () => {
    const logs = new BuildLogs(join(scratch, 'logs-stream'))
    const path = logs.pathOf('b3')
    const backlog = Array.from({ length: 5000 }, (_, i) => `old ${i}`)
    logs.append('b3', path, backlog)
    const builds = {
      watchLog: (id: string, watcher: Parameters<BuildLogs['watch']>[2]) => ({
        ...logs.watch(id, path, watcher),
        finished: false,
      }),
    }
    const c = client({ high: 10_000, low: 1_000 })
    openBuildLogStream(builds, 'b3', c.channel)
    // One batch (2000 lines) is over the high-water mark: the rest waits for acknowledgements.
    expect(c.lines()).toHaveLength(2000)
    expect(c.channel.congested).toBe(true)
    logs.append('b3', path, ['new 1'])
    c.channel.ack(1)
    c.channel.ack(1)
    c.channel.ack(1)
    await new Promise((resolve) => setTimeout(resolve, 60))
    c.channel.ack(10)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(c.lines()).toEqual([...backlog, 'new 1'])
    expect(c.ended()).toBe(false)
    logs.append('b3', path, ['new 2'])
    logs.end('b3')
    c.channel.ack(10)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(c.lines().slice(-2)).toEqual(['new 1', 'new 2'])
    expect(c.ended()).toBe(true)
  })
})
