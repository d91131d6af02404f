/** One `KEY=VALUE` of a pasted `.env` text. */
export interface EnvEntry {
  key: string
  value: string
}

export interface EnvParseResult {
  entries: EnvEntry[]
  /** Lines that are not a variable, by their 1-based number, so the user can fix the paste. */
  errors: { line: number; message: string }[]
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' }

/**
 * Parses `.env` text as docker compose and dotenv read it: blank lines and `#` comments skipped, an optional
 * `export ` prefix, values bare (trimmed, a ` #` starts a comment), in '…' (literal) or in "…" (\n, \t, \", \\
 * escapes, and it may span lines). A later line for the same key wins, as it does in compose.
 */
export function parseEnvFile(text: string): EnvParseResult {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const byKey = new Map<string, string>()
  const errors: EnvParseResult['errors'] = []
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1
    let line = lines[index]!.trim()
    if (line === '' || line.startsWith('#')) continue
    if (line.startsWith('export ')) line = line.slice('export '.length).trimStart()
    const eq = line.indexOf('=')
    if (eq < 0) {
      errors.push({ line: lineNumber, message: 'Not KEY=VALUE' })
      continue
    }
    const key = line.slice(0, eq).trim()
    if (!KEY.test(key)) {
      errors.push({ line: lineNumber, message: `${key || 'An empty name'} is not a variable name` })
      continue
    }
    let rest = line.slice(eq + 1).trimStart()
    let value: string
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1)
      if (end < 0) {
        errors.push({ line: lineNumber, message: 'A single quote is not closed' })
        continue
      }
      value = rest.slice(1, end)
    } else if (rest.startsWith('"')) {
      // A double-quoted value may continue on the following lines until its closing quote.
      let body = rest.slice(1)
      let end = closingQuote(body)
      let last = index
      while (end < 0 && last + 1 < lines.length) {
        last++
        body += '\n' + lines[last]!
        end = closingQuote(body)
      }
      if (end < 0) {
        errors.push({ line: lineNumber, message: 'A double quote is not closed' })
        continue
      }
      index = last
      value = body.slice(0, end).replace(/\\(.)/g, (match, c: string) => DOUBLE_ESCAPES[c] ?? match)
    } else {
      const comment = rest.search(/\s#/)
      if (comment >= 0) rest = rest.slice(0, comment)
      value = rest.trim()
    }
    byKey.delete(key)
    byKey.set(key, value)
  }
  return { entries: [...byKey].map(([key, value]) => ({ key, value })), errors }
}

function closingQuote(body: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++
    else if (body[i] === '"') return i
  }
  return -1
}
