import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { joinWords, splitWords } from './shell-words'

const argv = (text: string): string[] => {
  const result = splitWords(text)
  if (!result.ok) throw new Error(result.error)
  return result.argv
}

describe('shell words', () => {
  it('splits a pasted command the way sh would, without running a shell', () => {
    expect(argv(`sh -c 'echo hello; httpd -f -p 8080'`)).toEqual(['sh', '-c', 'echo hello; httpd -f -p 8080'])
    expect(argv(`  node   server.js\t--port=80  `)).toEqual(['node', 'server.js', '--port=80'])
    expect(argv(`echo "a \\"quoted\\" \\\\ word" it\\'s`)).toEqual(['echo', 'a "quoted" \\ word', "it's"])
    expect(argv(`printf '' "" x`)).toEqual(['printf', '', '', 'x'])
    expect(argv(`a\\\nb c`)).toEqual(['ab', 'c'])
    expect(argv(`echo $HOME *`)).toEqual(['echo', '$HOME', '*'])
    expect(argv('')).toEqual([])
  })

  it('refuses an unclosed quote or a dangling backslash', () => {
    expect(splitWords(`sh -c 'echo`)).toMatchObject({ ok: false, error: expect.stringContaining('single quote') })
    expect(splitWords(`echo "x`)).toMatchObject({ ok: false, error: expect.stringContaining('double quote') })
    expect(splitWords('echo \\')).toMatchObject({ ok: false })
  })

  it('quotes only what needs it', () => {
    expect(joinWords(['sh', '-c', "echo it's here"])).toBe(`sh -c 'echo it'\\''s here'`)
    expect(joinWords(['httpd', '-f', '-p', '8080', ''])).toBe(`httpd -f -p 8080 ''`)
  })

  it('gives back every argument vector it joined', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0'))), (words) => {
        expect(argv(joinWords(words))).toEqual(words)
      }),
      { seed: 42, numRuns: 500 },
    )
  })
})
