import { describe, expect, it } from 'vitest'
import { parseEnvFile } from './env-file'

describe('.env paste', () => {
  it('reads variables, comments, quotes and export lines as compose does', () => {
    const { entries, errors } = parseEnvFile(
      [
        '# database',
        'DB_HOST=db',
        'export DB_PORT = 5432',
        'GREETING="hello\\nworld" ',
        "RAW='a \\n $b # not a comment'",
        'URL=http://x/#anchor',
        'BARE=value # a comment',
        'EMPTY=',
        '',
        '   # indented comment',
        'DB_HOST=db2',
      ].join('\r\n'),
    )
    expect(errors).toEqual([])
    expect(entries).toEqual([
      { key: 'DB_PORT', value: '5432' },
      { key: 'GREETING', value: 'hello\nworld' },
      { key: 'RAW', value: 'a \\n $b # not a comment' },
      { key: 'URL', value: 'http://x/#anchor' },
      { key: 'BARE', value: 'value' },
      { key: 'EMPTY', value: '' },
      { key: 'DB_HOST', value: 'db2' },
    ])
  })

  it('lets a double-quoted value span lines', () => {
    expect(parseEnvFile('KEY="-----BEGIN\nline\n-----END"\nNEXT=1').entries).toEqual([
      { key: 'KEY', value: '-----BEGIN\nline\n-----END' },
      { key: 'NEXT', value: '1' },
    ])
  })

  it('names the lines it cannot read', () => {
    const { entries, errors } = parseEnvFile('OK=1\njust text\n1BAD=x\nQ="open\n')
    expect(entries).toEqual([{ key: 'OK', value: '1' }])
    expect(errors).toEqual([
      { line: 2, message: 'Not KEY=VALUE' },
      { line: 3, message: '1BAD is not a variable name' },
      { line: 4, message: 'A double quote is not closed' },
    ])
  })
})
