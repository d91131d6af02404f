/**
 * (b) A container printing 1k, 10k and 50k lines/s, followed in the real renderer in Debian's Chromium
 * through glinrdock's SSH tunnel. Measured: lines/s produced and displayed, end-to-end lag, frame time p95,
 * and memory over the run. Each batch starts with a marker line `T <uptime> <seq>`: /proc/uptime is the host's
 * clock (10 ms resolution, read by a shell builtin, no fork), so the page can tell how old a line it shows is.
 */
import { readFileSync } from 'node:fs'
import { chromium, type Browser, type Page } from '@playwright/test'
import { afterAll, beforeAll, it } from 'vitest'
import { startServe, type ServeProcess } from '../e2e/fixtures/serve-process'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/fixtures/chromium'
import { dockerCli, testbedEnv } from '../e2e/fixtures/testbed-env'
import { addTestbedHost } from '../e2e/fixtures/testbed-host'
import { percentile } from './lib/measure'

const env = testbedEnv()
/** `BENCH_LOG_RATES=50000:20,1000:10` runs other rates:seconds. */
const RATES = (process.env.BENCH_LOG_RATES ?? '1000:15,10000:15,50000:60').split(',').map((entry) => {
  const [rate, seconds] = entry.split(':').map(Number)
  return { rate: rate!, seconds: seconds! }
})
let serve: ServeProcess
let browser: Browser

beforeAll(async () => {
  serve = await startServe()
  await addTestbedHost(serve, env, 'bench')
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Precise heap numbers, for the memory column.
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
})

/** In the page: every animation frame, note the newest sequence number on screen and the frame time. */
async function instrument(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __bench: { frames: number[]; seen: [number, number][]; markers: [number, number, number][]; heap: number[] }
    }
    w.__bench = { frames: [], seen: [], markers: [], heap: [] }
    let lastMarker = ''
    let last = performance.now()
    let lastSeq = -1
    const rows = document.querySelector('[data-testid="log-view"] .xterm-rows')!
    const tick = (now: number): void => {
      w.__bench.frames.push(now - last)
      last = now
      const children = rows.children
      let foundSeq = false
      for (let i = children.length - 1; i >= 0; i--) {
        const text = children[i]!.textContent?.trim() ?? ''
        if (!foundSeq && /^\d+$/.test(text)) {
          foundSeq = true
          const seq = Number(text)
          if (seq !== lastSeq) {
            lastSeq = seq
            w.__bench.seen.push([seq, performance.timeOrigin + now])
          }
        }
        const marker = /^T (\d+\.\d+) (\d+)$/.exec(text)
        if (marker) {
          if (text !== lastMarker) {
            lastMarker = text
            w.__bench.markers.push([Number(marker[1]), Number(marker[2]), performance.timeOrigin + now])
          }
          break
        }
      }
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
    setInterval(() => {
      const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
      if (memory) w.__bench.heap.push(memory.usedJSHeapSize)
    }, 1000)
  })
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

it('log lines per second into xterm at 1k, 10k and 50k lines/s', async () => {
  const rows: Record<string, string | number>[] = []
  for (const { rate, seconds } of RATES) {
    const batch = rate / 100
    const name = `gd-bench-logs-${rate}-${Date.now()}`
    // 100 batches a second, the batch size re-tuned every ~20 batches against the clock so the container
    // really produces `rate` lines/s (busybox's fork per batch costs a few ms). Only argv reaches docker.
    const script = [
      `i=1; b=${batch}; n=0; k=0; t0=$(busybox date +%s)`,
      'while :; do',
      '  read up _ < /proc/uptime; echo "T $up $i"',
      '  busybox seq $i $((i+b-1)); i=$((i+b)); n=$((n+b)); k=$((k+1)); busybox usleep 10000',
      '  if [ $k -ge 20 ]; then k=0; t=$(busybox date +%s)',
      `    if [ $t -gt $t0 ]; then r=$((n/(t-t0))); b=$(((b+b*${rate}/(r+1))/2)); [ $b -lt 1 ] && b=1; n=0; t0=$t; fi`,
      '  fi',
      'done',
    ].join('\n')
    const containerId = dockerCli(env, [
      'run',
      '-d',
      '--name',
      name,
      '--label',
      'glinrdock.test=1',
      env.busyboxImage,
      'sh',
      '-c',
      script,
    ])
    // Wall clock = uptime + offset, measured here once (both clocks are this machine's).
    const uptimeOffsetMs = Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    try {
      await page.goto(`${serve.url}/#token=${serve.adminToken}`)
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Hosts' }).click()
      await page.getByRole('button', { name: 'Open bench' }).click()
      await page.getByTestId('container-row').filter({ hasText: name }).click()
      await page.getByRole('tab', { name: 'Logs' }).click()
      await page.getByTestId('log-view').locator('.xterm-rows').waitFor()
      await page.waitForTimeout(5000) // the generator settles on its rate
      await instrument(page)
      const rss: number[] = []
      for (let t = 0; t < seconds; t += 5) {
        rss.push(rssOf(serve.process.pid!))
        await page.waitForTimeout(5000)
      }
      const rssBefore = rss[0]!
      const result = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
        frames: number[]
        seen: [number, number][]
        markers: [number, number, number][]
        heap: number[]
      }
      const rssAfter = rssOf(serve.process.pid!)
      const [firstSeq, firstAt] = result.seen[0]!
      const [lastSeq, lastAt] = result.seen.at(-1)!
      const [firstUp, firstMarkerSeq] = result.markers[0]!
      const [lastUp, lastMarkerSeq] = result.markers.at(-1)!
      const produced = (lastMarkerSeq - firstMarkerSeq) / (lastUp - firstUp)
      const lags = result.markers.map(([up, , at]) => at - (up * 1000 + uptimeOffsetMs))
      const heapStart = result.heap.slice(0, 3)
      const heapEnd = result.heap.slice(-3)
      const avg = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)
      rows.push({
        'target lines/s': rate,
        'produced lines/s': Math.round(produced),
        'displayed lines/s': Math.round((lastSeq - firstSeq) / ((lastAt - firstAt) / 1000)),
        'lag p50': `${percentile(lags, 50).toFixed(0)} ms`,
        'lag p95': `${percentile(lags, 95).toFixed(0)} ms`,
        'frame p50': `${percentile(result.frames, 50).toFixed(1)} ms`,
        'frame p95': `${percentile(result.frames, 95).toFixed(1)} ms`,
        'page heap start → end': `${mb(avg(heapStart))} → ${mb(avg(heapEnd))}`,
        'main RSS start → end (max)': `${mb(rssBefore)} → ${mb(rssAfter)} (${mb(Math.max(...rss, rssAfter))})`,
        seconds,
      })
    } finally {
      await page.close()
      dockerCli(env, ['rm', '-f', containerId])
    }
  }
  console.log('\nLogs to the renderer (Chromium, through the SSH tunnel)')
  console.table(rows)
  console.log('targets at 50k lines/s: frame p95 ≤ 50 ms, lag ≤ 250 ms, memory flat over a minute')
}, 600_000)
