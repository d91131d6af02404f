import { domainToUnicode } from 'node:url'

/**
 * The scripts told apart here, by Script_Extensions (the katakana-hiragana `ー` belongs to both); a letter is
 * counted in the first that names it, and a letter of none of them as a script of its own.
 */
const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Devanagari',
  'Thai',
  'Han',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Hangul',
].map((name) => ({ name, pattern: new RegExp(`\\p{Script_Extensions=${name}}`, 'u') }))

/**
 * Mixes a label may have, after UTS #39's "highly restrictive" profile (what browsers use to decide whether to
 * show a name in Unicode): Latin with the scripts Chinese, Japanese and Korean are written in, and nothing else.
 */
const ALLOWED_MIXES = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
]

function scriptsOf(label: string): Set<string> {
  const scripts = new Set<string>()
  for (const char of label) {
    if (!/\p{L}/u.test(char)) continue
    scripts.add(SCRIPTS.find((script) => script.pattern.test(char))?.name ?? `other:${char}`)
  }
  return scripts
}

const looksLikeOneName = (label: string): boolean => {
  const scripts = scriptsOf(label)
  return scripts.size <= 1 || ALLOWED_MIXES.some((mix) => [...scripts].every((script) => mix.has(script)))
}

/**
 * How a stored (ASCII) domain is shown: in Unicode, unless a label mixes scripts the way look-alike names do
 * (a Cyrillic `а` among Latin letters): such a domain is shown as nginx and the CA see it, `xn--` and all.
 */
export function displayDomain(ascii: string): string {
  // A stored domain is valid ASCII; domainToUnicode answers '' only for what could not be one.
  const unicode = domainToUnicode(ascii)
  if (unicode === '') return ascii
  return unicode.split('.').every(looksLikeOneName) ? unicode : ascii
}
