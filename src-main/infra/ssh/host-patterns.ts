/**
 * OpenSSH's `match_pattern`: `*` is any run of characters, `?` exactly one, everything else literal. Matching is
 * case-insensitive because ssh lowercases host names before it looks them up.
 */
export function matchesGlob(value: string, pattern: string): boolean {
  const source = pattern
    .toLowerCase()
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`, 's').test(value.toLowerCase())
}

/**
 * OpenSSH's `match_pattern_list` for a comma list: a matching negated entry (`!pat`) vetoes the whole list even
 * when a positive entry matches too, so `*.corp,!db.corp` covers every corp host but db.
 */
export const matchesPatternList = (value: string, list: string): boolean => matchesPatterns(value, list.split(','))

/** The same rule over patterns already split, as ssh_config's `Host a !b c` gives them. */
export function matchesPatterns(value: string, patterns: string[]): boolean {
  let matched = false
  for (const raw of patterns) {
    const negated = raw.startsWith('!')
    const pattern = negated ? raw.slice(1) : raw
    if (pattern === '' || !matchesGlob(value, pattern)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

export const isWildcardPattern = (pattern: string): boolean => /[*?!]/.test(pattern)
