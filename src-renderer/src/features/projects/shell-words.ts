/**
 * The command and entrypoint fields take one line of shell-like words, because that is how commands are
 * written in READMEs, `docker run` lines and compose files, and what a user pastes. The words are split here
 * into the argument vector the contract carries; nothing is ever given to a shell, so there is no variable
 * expansion, globbing or `;` — a `sh -c '…'` argument is just a word. The form shows the resulting argv, so
 * what the engine will run is visible before it is saved.
 *
 * Quoting follows POSIX sh: '…' is literal, "…" lets \ escape " and \, a \ outside quotes escapes the next
 * character, and \ before a newline joins lines.
 */
export type SplitResult = { ok: true; argv: string[] } | { ok: false; error: string }

export function splitWords(text: string): SplitResult {
  const argv: string[] = []
  let word = ''
  let inWord = false
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) argv.push(word)
      word = ''
      inWord = false
      i++
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) return { ok: false, error: "A single quote (') is not closed" }
      word += text.slice(i + 1, end)
      inWord = true
      i = end + 1
    } else if (c === '"') {
      i++
      let closed = false
      while (i < text.length) {
        const d = text[i]!
        if (d === '"') {
          closed = true
          i++
          break
        }
        if (d === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          word += text[i + 1]
          i += 2
        } else {
          word += d
          i++
        }
      }
      if (!closed) return { ok: false, error: 'A double quote (") is not closed' }
      inWord = true
    } else if (c === '\\') {
      const next = text[i + 1]
      if (next === undefined) return { ok: false, error: 'A backslash at the end escapes nothing' }
      if (next === '\n') {
        i += 2
        continue
      }
      word += next
      inWord = true
      i += 2
    } else {
      word += c
      inWord = true
      i++
    }
  }
  if (inWord) argv.push(word)
  return { ok: true, argv }
}

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/

/** The inverse of `splitWords`: plain words as they are, anything else in single quotes. */
export function joinWords(argv: readonly string[]): string {
  return argv.map((arg) => (PLAIN.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ')
}
