/** A service's `healthcheck`, as an HTTP probe when it is the one glinrdock writes, else as a command. */
import type { Healthcheck } from '../../../../src-preload/contract/projects'
import { httpProbe } from '../container-config'
import { invalid, unsupported, type ComposeReader } from './compose-reader'
import { isComposeDuration } from './compose-units'
import type { Json } from './compose-yaml'

/** Null where glinrdock leaves the image's own check as it is (with a warning when the file asks otherwise). */
export function readHealthcheck(r: ComposeReader, value: Json, path: string): Healthcheck | null {
  if (value === null) return null
  let test: string[] | null | undefined
  let disabled = false
  const timing: { interval?: string; timeout?: string; retries?: number; startPeriod?: string } = {}
  for (const [key, setting] of Object.entries(r.map(value, path))) {
    const at = `${path}.${key}`
    if (key === 'test') test = healthTest(r, setting, at)
    else if (key === 'disable') disabled = setting === true
    else if (key === 'retries') timing.retries = r.integer(setting, at, 1, 100)
    else if (key === 'interval' || key === 'timeout' || key === 'start_period') {
      const duration = r.text(setting, at)
      if (typeof setting !== 'string' || !isComposeDuration(duration))
        throw invalid(at, `${JSON.stringify(setting)} is not a duration (e.g. 30s, 1m30s, 500ms)`)
      timing[key === 'start_period' ? 'startPeriod' : key] = duration
    } else r.warn(at, unsupported(key))
  }
  if (disabled || test === null) {
    r.warn(path, "glinrdock cannot switch off the image's own health check; it is left as the image has it")
    return null
  }
  if (test === undefined) {
    if (Object.keys(timing).length > 0)
      r.warn(path, "Timings without a test would change the image's own health check, which glinrdock leaves as is")
    return null
  }
  const probe = /^http:\/\/127\.0\.0\.1:(\d{1,5})(\/[A-Za-z0-9._~/-]*)$/.exec(test[3] ?? '')
  if (probe && test.length === 4) {
    const port = Number(probe[1])
    const probePath = probe[2]!
    if (JSON.stringify(['CMD', ...test]) === JSON.stringify(httpProbe(port, probePath)))
      return { type: 'http', port, path: probePath, ...timing }
  }
  return { type: 'command', command: test, ...timing }
}

/** The command a test runs, null for `NONE`. Shell forms run through `/bin/sh -c`, as the engine does. */
function healthTest(r: ComposeReader, value: Json, path: string): string[] | null {
  if (typeof value === 'string') return ['/bin/sh', '-c', r.text(value, path)]
  const test = r.list(value, path).map((arg, i) => r.text(arg, `${path}.${i}`))
  const [kind, ...args] = test
  if (kind === 'NONE') return null
  if (kind === 'CMD-SHELL' && args.length === 1) return ['/bin/sh', '-c', args[0]!]
  if (kind === 'CMD' && args.length > 0) return args
  throw invalid(path, 'must be ["CMD", ...], ["CMD-SHELL", "command"], ["NONE"] or a command string')
}
