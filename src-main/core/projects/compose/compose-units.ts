/**
 * The small grammars inside compose values, shared by import and export: byte sizes, durations, shell words,
 * `.env` files, variable interpolation and port specs. Each one follows what `docker compose` and
 * docker-compose 1.29 accept, so a file they take is read the same way here.
 */
import { Duration } from '../../../../src-preload/contract/projects'

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/**
 * `512M`, `1g`, `100mb`, `1.5GiB`, `2048` (bytes) as compose takes memory sizes (binary units, the unit letter in
 * any case, an optional `i` and `b`). Null when it is not a size.
 */
export function parseByteSize(value: string | number): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(value.trim())
  if (!match || (match[2] === '' && match[3] !== undefined && match[3].toLowerCase() === 'ib')) return null
  const bytes = Math.floor(Number(match[1]) * BYTE_UNITS[match[2]!.toLowerCase()]!)
  return Number.isSafeInteger(bytes) ? bytes : null
}

/** Bytes in the largest unit that divides them exactly (`512m`, `1g`); plain digits otherwise. Both compose versions read it. */
export function formatByteSize(bytes: number): string {
  for (const unit of ['t', 'g', 'm', 'k'] as const) {
    const size = BYTE_UNITS[unit]!
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`
  }
  return String(bytes)
}

/** Go durations (`30s`, `1m30s`, `500ms`), the only form compose takes for health check timings. */
export const isComposeDuration = (value: string): boolean => Duration.safeParse(value).success

/** Env keys whose values are credentials: stored sealed and never shown again. */
export const isSecretKey = (key: string): boolean =>
  /(^|_)(PASS|PASSWD|PASSWORD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/i.test(key) ||
  /(^|_)SECRET(_|$)/i.test(key)

/**
 * Splits a command string the way docker-compose 1.29 does (Python's `shlex.split`, POSIX mode): whitespace
 * separates words, single quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash outside
 * quotes escapes the next character, and `#` is an ordinary character. Throws on an unclosed quote.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === "'") {
      const end = text.indexOf("'", i + 1)
      if (end === -1) throw new Error('No closing quotation')
      word += text.slice(i + 1, end)
      inWord = true
      i = end
    } else if (ch === '"') {
      inWord = true
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('No closing quotation')
        const c = text[i]!
        if (c === '"') break
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i]
        else word += c
      }
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw new Error('No escaped character')
      word += text[++i]
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += ch
      inWord = true
    }
  }
  if (inWord) words.push(word)
  return words
}

export interface DotEnv {
  entries: { key: string; value: string }[]
  /** Lines that set nothing: a bare `KEY` (taken from the host's environment) or no `=` at all. */
  problems: { line: number; message: string }[]
}

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' }

/**
 * A `.env` file as `docker compose` reads `env_file`: `KEY=VALUE` lines, `#` comments, an optional `export `,
 * single quotes literal, double quotes with `\n`-style escapes, both allowed to span lines, and an unquoted value
 * ending at ` #`. Later lines win.
 */
export function parseDotEnv(content: string): DotEnv {
  const text = content.replace(/\r\n?/g, '\n')
  const entries = new Map<string, string>()
  const problems: DotEnv['problems'] = []
  let pos = 0
  let line = 1
  while (pos < text.length) {
    const startLine = line
    let end = text.indexOf('\n', pos)
    if (end === -1) end = text.length
    const raw = text.slice(pos, end)
    const trimmed = raw.trim()
    const lead = raw.length - raw.trimStart().length
    const exported = /^export\s+/.exec(raw.slice(lead))
    const bodyStart = lead + (exported ? exported[0].length : 0)
    const next = (to: number): void => {
      line += (text.slice(pos, to).match(/\n/g) ?? []).length
      pos = to
    }
    if (trimmed === '' || trimmed.startsWith('#')) {
      next(end + 1)
      continue
    }
    const body = raw.slice(bodyStart).trimEnd()
    const eq = body.indexOf('=')
    if (eq === -1) {
      problems.push({
        line: startLine,
        message: /^[A-Za-z_][A-Za-z0-9_]*$/.test(body)
          ? `${body} has no value: it would be taken from the host's environment`
          : 'not a KEY=VALUE line',
      })
      next(end + 1)
      continue
    }
    const key = body.slice(0, eq).trim()
    // Offset of the value in the whole text, so quoted values may run over several lines.
    let i = pos + bodyStart + eq + 1
    while (text[i] === ' ' || text[i] === '\t') i++
    const quote = text[i]
    if (quote === "'" || quote === '"') {
      let value = ''
      let j = i + 1
      for (; j < text.length && text[j] !== quote; j++) {
        if (quote === '"' && text[j] === '\\' && j + 1 < text.length) {
          const escaped = DOUBLE_QUOTE_ESCAPES[text[j + 1]!]
          value += escaped ?? `\\${text[j + 1]}`
          j++
        } else value += text[j]
      }
      if (j >= text.length) {
        problems.push({ line: startLine, message: `the value of ${key} has no closing quote` })
        break
      }
      entries.delete(key)
      entries.set(key, value)
      const lineEnd = text.indexOf('\n', j)
      next(lineEnd === -1 ? text.length : lineEnd + 1)
      continue
    }
    const value = text
      .slice(i, end)
      .replace(/\s+#.*$/, '')
      .trim()
    entries.delete(key)
    entries.set(key, value)
    next(end + 1)
  }
  return { entries: [...entries].map(([key, value]) => ({ key, value })), problems }
}

export interface Interpolation {
  value: string
  /** Variables compose would substitute from the shell; left as written. */
  unresolved: string[]
  /** Variables with a default (`${TAG:-latest}`); the default was used, as compose does when the variable is unset. */
  defaulted: string[]
  /** A `$` compose would refuse (not `$$`, `$NAME` or `${...}`); kept as a literal `$`. */
  invalid: boolean
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y
const OPERATOR = /:?[-?]/y

/**
 * Compose's variable syntax with no environment to draw from: `$$` is a literal `$`; `${VAR:-x}` and `${VAR-x}`
 * give their default, as compose does for an unset variable; `${VAR}`, `$VAR` and `${VAR:?msg}` stay as written,
 * for the caller to warn about. One pass: the next `}` is looked up once per position, never rescanned.
 */
export function interpolate(text: string): Interpolation {
  const result: Interpolation = { value: '', unresolved: [], defaulted: [], invalid: false }
  let close = -2
  let i = 0
  while (i < text.length) {
    const dollar = text.indexOf('$', i)
    if (dollar === -1) {
      result.value += text.slice(i)
      break
    }
    result.value += text.slice(i, dollar)
    const next = text[dollar + 1]
    if (next === '$') {
      result.value += '$'
      i = dollar + 2
      continue
    }
    const braced = next === '{'
    NAME.lastIndex = dollar + (braced ? 2 : 1)
    const name = NAME.exec(text)?.[0]
    if (name !== undefined && !braced) {
      result.value += `$${name}`
      result.unresolved.push(name)
      i = dollar + 1 + name.length
      continue
    }
    if (name !== undefined) {
      if (close !== -1 && close < dollar + 2) close = text.indexOf('}', dollar + 2)
      const after = dollar + 2 + name.length
      OPERATOR.lastIndex = after
      const operator = close === -1 ? undefined : after === close ? '' : OPERATOR.exec(text)?.[0]
      if (operator === ':-' || operator === '-') {
        result.value += text.slice(after + operator.length, close)
        result.defaulted.push(name)
        i = close + 1
        continue
      }
      if (operator !== undefined) {
        result.value += text.slice(dollar, close + 1)
        result.unresolved.push(name)
        i = close + 1
        continue
      }
    }
    result.value += '$'
    result.invalid = true
    i = dollar + 1
  }
  return result
}

/** `${NAME}`: how export names a secret the file must not hold, and how import recognises one. */
export const variableReference = (name: string): string => `\${${name}}`

/** The inverse of `interpolate` for a literal: every `$` doubled, so compose substitutes nothing. */
export const escapeDollars = (text: string): string => text.replace(/\$/g, () => '$$')

export interface PortSpec {
  /** Inclusive range; one port when both ends are equal. */
  container: [number, number]
  /** Unset when the spec names no host port (compose then publishes on a random one). */
  host?: [number, number]
  hostIp?: string
  protocol: string
}

function portRange(text: string): [number, number] | null {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text)
  if (!match) return null
  const start = Number(match[1])
  const end = match[2] === undefined ? start : Number(match[2])
  if (start < 1 || end > 65535 || end < start) return null
  return [start, end]
}

/**
 * A short-syntax port, `[[host_ip:]host_port:]container_port[/protocol]`, where either port may be a range and
 * an IPv6 host address may be bracketed or not (the last two `:`-separated parts are the ports, as Docker reads
 * them). Null when it does not parse.
 */
export function parsePortSpec(text: string): PortSpec | null {
  const slash = text.indexOf('/')
  const protocol = slash === -1 ? 'tcp' : text.slice(slash + 1).toLowerCase()
  const ports = slash === -1 ? text : text.slice(0, slash)
  if (protocol === '' || protocol.includes('/')) return null
  const parts = ports.split(':')
  const container = portRange(parts.pop()!)
  if (!container) return null
  if (parts.length === 0) return { container, protocol }
  const hostText = parts.pop()!
  const host = hostText === '' ? undefined : portRange(hostText)
  if (host === null) return null
  let hostIp: string | undefined
  if (parts.length > 0) {
    hostIp = parts.join(':').replace(/^\[(.*)\]$/, '$1')
    if (hostIp === '') return null
  }
  return {
    container,
    ...(host !== undefined ? { host } : {}),
    ...(hostIp !== undefined ? { hostIp } : {}),
    protocol,
  }
}

/** Compose's short volume syntax `source:target[:mode]`, or a bare target (an anonymous volume). */
export function splitVolumeSpec(text: string): { source?: string; target: string; mode?: string } {
  const colon = text.indexOf(':')
  if (colon === -1) return { target: text }
  const source = text.slice(0, colon)
  const rest = text.slice(colon + 1)
  const modeColon = rest.lastIndexOf(':')
  if (modeColon === -1) return { source, target: rest }
  return { source, target: rest.slice(0, modeColon), mode: rest.slice(modeColon + 1) }
}
