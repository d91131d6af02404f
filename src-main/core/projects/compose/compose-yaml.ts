/**
 * Loads a pasted compose file as plain data, refusing anything that could hurt the main process on the way: an
 * oversized text, nesting deep enough to exhaust the stack or the heap, alias bombs, several documents, tags that
 * construct objects, and `__proto__` keys.
 */
import { CST, isScalar, Lexer, parseAllDocuments, visit, type Document } from 'yaml'
import { MAX_COMPOSE_BYTES } from '../../../../src-preload/contract/projects'
import { AppError } from '../../shared/app-error'

export type Json = null | boolean | number | string | Json[] | JsonMap
export interface JsonMap {
  [key: string]: Json
}

/** Indentation, block indicators and open brackets on one line: far above any real file, far below the stack. */
const MAX_LEXICAL_DEPTH = 256
const MAX_DEPTH = 64
/** Compose files share settings through anchors (`<<: *common`); an alias bomb needs thousands of expansions. */
const MAX_ALIASES = 100

export const yamlError = (message: string): AppError => new AppError('validation', message, 'yaml')
export const isMap = (value: unknown): value is JsonMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
/** Reads a key the file may or may not have: never an inherited property (`constructor`, `toString`). */
export const own = (map: JsonMap, key: string): Json | undefined => (Object.hasOwn(map, key) ? map[key] : undefined)

/**
 * The library's composer recurses once per nesting level, and a 512 KiB run of `{` exhausts the heap before it
 * reports anything. Its lexer does not recurse, so the depth is bounded on the token stream before composing.
 */
function checkLexicalDepth(text: string): void {
  let documents = 0
  let flow = 0
  let indent = 0
  let indicators = 0
  let lineStart = true
  let scalarSource = false
  for (const token of new Lexer().lex(text)) {
    if (scalarSource) {
      // The token after a scalar marker is the scalar's own text, whatever it starts with.
      scalarSource = false
      lineStart = false
      continue
    }
    switch (CST.tokenType(token)) {
      case 'scalar':
        scalarSource = true
        break
      case 'newline':
        lineStart = true
        indent = 0
        indicators = 0
        break
      case 'space':
        if (lineStart) indent = token.length
        break
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        indicators++
        lineStart = false
        break
      case 'flow-map-start':
      case 'flow-seq-start':
        flow++
        lineStart = false
        break
      case 'flow-map-end':
      case 'flow-seq-end':
        flow = Math.max(0, flow - 1)
        lineStart = false
        break
      case 'flow-error-end':
        flow = 0
        break
      // Counted here, before the composer builds thousands of empty documents only to refuse them.
      case 'doc-start':
        if (++documents > 1) throw yamlError('The file holds several YAML documents (---): paste one compose file')
        lineStart = false
        break
      default:
        lineStart = false
    }
    if (flow + indent + indicators > MAX_LEXICAL_DEPTH) throw yamlError('The file is nested too deeply')
  }
}

/**
 * Duplicate keys, found with one Set per mapping: the library's own check (`uniqueKeys`) compares every key with
 * every other, which takes minutes for a mapping of 60,000 keys and blocks the process meanwhile.
 */
function checkUniqueKeys(doc: Document): void {
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key
        // Merge keys may repeat in YAML 1.1 files; the merge itself is the library's.
        if (key === '<<') continue
        if (seen.has(key))
          throw yamlError(`Not valid YAML: the key ${String(key).slice(0, 64)} appears twice in one mapping`)
        seen.add(key)
      }
    },
  })
}

/** Plain data only: no tagged objects (`!!binary`, `!!set`), no `__proto__` keys, bounded depth. */
function checkTree(root: unknown): void {
  const seen = new Map<object, number>()
  const stack: [unknown, number][] = [[root, 0]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!
    if (typeof value !== 'object' || value === null) continue
    // Aliases share one object: visit it again only when reached deeper than before.
    if ((seen.get(value) ?? -1) >= depth) continue
    seen.set(value, depth)
    if (depth > MAX_DEPTH) throw yamlError('The file is nested too deeply')
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1])
      continue
    }
    if (Object.getPrototypeOf(value) !== Object.prototype)
      throw yamlError('Only plain YAML values are supported (no tags such as !!binary or !!set)')
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') throw yamlError('The key __proto__ is not allowed')
      stack.push([item, depth + 1])
    }
  }
}

/** One YAML document holding a mapping, as plain data; anything else is a validation error at `yaml`. */
export function loadComposeYaml(text: string): JsonMap {
  if (Buffer.byteLength(text, 'utf8') > MAX_COMPOSE_BYTES) throw yamlError('A compose file of at most 512 KiB')
  checkLexicalDepth(text)
  let value: unknown
  try {
    const docs = parseAllDocuments(text, {
      merge: true,
      logLevel: 'error',
      resolveKnownTags: false,
      uniqueKeys: false,
    })
    if (docs.length === 0) throw yamlError('The file is empty')
    if (docs.length > 1) throw yamlError('The file holds several YAML documents (---): paste one compose file')
    const doc = docs[0]!
    const problem = doc.errors[0] ?? doc.warnings[0]
    if (problem) throw yamlError(`Not valid YAML: ${problem.message.split('\n')[0]}`)
    checkUniqueKeys(doc)
    value = doc.toJS({ maxAliasCount: MAX_ALIASES })
  } catch (err) {
    if (err instanceof AppError) throw err
    throw yamlError(
      err instanceof ReferenceError
        ? 'The file expands its aliases too often to be read safely'
        : 'The file could not be read as YAML',
    )
  }
  checkTree(value)
  if (!isMap(value)) throw yamlError('A compose file is a mapping with a services key')
  return value
}
