import { describe, expect, it } from 'vitest'
import {
  escapeDollars,
  formatByteSize,
  interpolate,
  isComposeDuration,
  isSecretKey,
  parseByteSize,
  parseDotEnv,
  parsePortSpec,
  splitShellWords,
  splitVolumeSpec,
  variableReference,
} from './compose-units'

describe('byte sizes', () => {
  it('reads compose memory sizes in binary units, the unit in any case, with an optional b or ib', () => {
    expect(parseByteSize('512M')).toBe(512 * 1024 ** 2)
    expect(parseByteSize('1g')).toBe(1024 ** 3)
    expect(parseByteSize('100mb')).toBe(100 * 1024 ** 2)
    expect(parseByteSize('1.5GiB')).toBe(1.5 * 1024 ** 3)
    expect(parseByteSize('64k')).toBe(65536)
    expect(parseByteSize('2048')).toBe(2048)
    expect(parseByteSize('300b')).toBe(300)
    expect(parseByteSize(' 1 g ')).toBe(1024 ** 3)
    expect(parseByteSize(536870912)).toBe(536870912)
  })

  it('refuses what is not a size', () => {
    for (const value of ['', 'lots', '1x', '-1m', '1.m', 'm', '1ib', '1e3']) expect(parseByteSize(value)).toBeNull()
    expect(parseByteSize(1.5)).toBeNull()
    expect(parseByteSize(-1)).toBeNull()
  })

  it('writes sizes in the largest unit that divides them, which reads back to the same bytes', () => {
    expect(formatByteSize(512 * 1024 ** 2)).toBe('512m')
    expect(formatByteSize(1024 ** 3)).toBe('1g')
    expect(formatByteSize(1536 * 1024 ** 2)).toBe('1536m')
    expect(formatByteSize(6 * 1024 ** 2 + 1)).toBe('6291457')
    for (const bytes of [6 * 1024 ** 2, 7340033, 2 ** 40, 3 * 2 ** 40 + 1024])
      expect(parseByteSize(formatByteSize(bytes))).toBe(bytes)
  })
})

describe('durations and secret keys', () => {
  it('takes Go durations only', () => {
    for (const value of ['30s', '1m30s', '500ms', '1.5s', '2h', '10us']) expect(isComposeDuration(value)).toBe(true)
    for (const value of ['30', '', '1 m', 'soon', '-5s']) expect(isComposeDuration(value)).toBe(false)
  })

  it('marks keys that name credentials as secret, and leaves ordinary keys alone', () => {
    for (const key of [
      'POSTGRES_PASSWORD',
      'DB_PASS',
      'api_key',
      'GITHUB_TOKEN',
      'SECRET_KEY_BASE',
      'AWS_SECRET',
      'PRIVATE_KEY',
      'CREDENTIALS',
    ])
      expect(isSecretKey(key), key).toBe(true)
    for (const key of ['PWD', 'PATH', 'NODE_ENV', 'PASSWORD_FILE', 'PASSAGE', 'TOKENIZER_MODEL', 'PORT'])
      expect(isSecretKey(key), key).toBe(false)
  })
})

describe('splitShellWords', () => {
  it('splits like shlex.split, which docker-compose 1.29 uses for string commands', () => {
    expect(splitShellWords('npm run start')).toEqual(['npm', 'run', 'start'])
    expect(splitShellWords(`sh -c 'echo "$HOME" && exit 1'`)).toEqual(['sh', '-c', 'echo "$HOME" && exit 1'])
    expect(splitShellWords('echo "a \\"b\\" \\\\ \\n"')).toEqual(['echo', 'a "b" \\ \\n'])
    expect(splitShellWords('a\\ b  c\t\nd')).toEqual(['a b', 'c', 'd'])
    expect(splitShellWords(`'' "" x`)).toEqual(['', '', 'x'])
    expect(splitShellWords('pre"mid"\'post\' # not a comment')).toEqual(['premidpost', '#', 'not', 'a', 'comment'])
    expect(splitShellWords('   ')).toEqual([])
  })

  it('refuses an unclosed quote or a trailing backslash', () => {
    expect(() => splitShellWords(`echo 'oops`)).toThrow('No closing quotation')
    expect(() => splitShellWords('echo "oops')).toThrow('No closing quotation')
    expect(() => splitShellWords('echo \\')).toThrow('No escaped character')
  })
})

describe('parseDotEnv', () => {
  it('reads KEY=VALUE lines with comments, export, quotes and inline comments, later lines winning', () => {
    const env = parseDotEnv(
      [
        '# a comment',
        '',
        'PLAIN=value',
        '  export EXPORTED = spaced  ',
        'EMPTY=',
        'INLINE=abc # a comment',
        'HASH=#kept',
        `SINGLE='literal \\n $x # kept'`,
        'DOUBLE="line\\nnext \\"q\\""',
        'MULTI="first',
        'second"',
        'EQUALS=a=b=c',
        'PLAIN=again',
      ].join('\r\n'),
    )
    expect(env.entries).toEqual([
      { key: 'EXPORTED', value: 'spaced' },
      { key: 'EMPTY', value: '' },
      { key: 'INLINE', value: 'abc' },
      { key: 'HASH', value: '#kept' },
      { key: 'SINGLE', value: 'literal \\n $x # kept' },
      { key: 'DOUBLE', value: 'line\nnext "q"' },
      { key: 'MULTI', value: 'first\nsecond' },
      { key: 'EQUALS', value: 'a=b=c' },
      { key: 'PLAIN', value: 'again' },
    ])
    expect(env.problems).toEqual([])
  })

  it('reports bare keys, lines without = and unclosed quotes with their line numbers', () => {
    const env = parseDotEnv('A=1\nFROM_HOST\nnot a line\nB="open\nC=3')
    expect(env.entries).toEqual([{ key: 'A', value: '1' }])
    expect(env.problems).toEqual([
      { line: 2, message: "FROM_HOST has no value: it would be taken from the host's environment" },
      { line: 3, message: 'not a KEY=VALUE line' },
      { line: 4, message: 'the value of B has no closing quote' },
    ])
  })
})

describe('interpolate', () => {
  it('unescapes $$ and leaves variables without a default as written', () => {
    expect(interpolate('price: $$5')).toEqual({ value: 'price: $5', unresolved: [], defaulted: [], invalid: false })
    expect(interpolate('${HOST}:$PORT/${X:?set X}')).toEqual({
      value: '${HOST}:$PORT/${X:?set X}',
      unresolved: ['HOST', 'PORT', 'X'],
      defaulted: [],
      invalid: false,
    })
    // The reference export writes for a secret is one compose leaves unresolved.
    expect(interpolate(variableReference('DB_PASSWORD'))).toMatchObject({
      value: '${DB_PASSWORD}',
      unresolved: ['DB_PASSWORD'],
    })
  })

  it('uses the default of ${VAR:-x} and ${VAR-x}, as compose does for an unset variable', () => {
    expect(interpolate('app:${TAG:-latest} ${A-}')).toEqual({
      value: 'app:latest ',
      unresolved: [],
      defaulted: ['TAG', 'A'],
      invalid: false,
    })
  })

  it('keeps a $ compose would refuse, and says so', () => {
    expect(interpolate('cost $ 5 ${1} $')).toMatchObject({ value: 'cost $ 5 ${1} $', invalid: true })
  })

  it('reads hostile runs of ${ in one pass', () => {
    const started = performance.now()
    expect(interpolate('${'.repeat(200_000)).invalid).toBe(true)
    expect(interpolate(`${'${a'.repeat(100_000)}}`).unresolved).toEqual(['a'])
    expect(interpolate(`${'${a:-'.repeat(100_000)}}`).value).toBe('${a:-'.repeat(99_999))
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('is undone by escapeDollars for any literal', () => {
    for (const text of ['', 'a$b', '$$', '${X}', '$', 'x$$$y$'])
      expect(interpolate(escapeDollars(text))).toEqual({ value: text, unresolved: [], defaulted: [], invalid: false })
  })
})

describe('parsePortSpec', () => {
  it('reads the short syntax with host addresses, ranges and protocols', () => {
    expect(parsePortSpec('8080:80')).toEqual({ container: [80, 80], host: [8080, 8080], protocol: 'tcp' })
    expect(parsePortSpec('127.0.0.1:8080:80/udp')).toEqual({
      container: [80, 80],
      host: [8080, 8080],
      hostIp: '127.0.0.1',
      protocol: 'udp',
    })
    expect(parsePortSpec('80')).toEqual({ container: [80, 80], protocol: 'tcp' })
    expect(parsePortSpec('9000-9002:9000-9002')).toEqual({
      container: [9000, 9002],
      host: [9000, 9002],
      protocol: 'tcp',
    })
    expect(parsePortSpec('[::1]:53:53/UDP')).toEqual({
      container: [53, 53],
      host: [53, 53],
      hostIp: '::1',
      protocol: 'udp',
    })
    expect(parsePortSpec('::1:53:53')).toMatchObject({ hostIp: '::1', host: [53, 53] })
    expect(parsePortSpec('127.0.0.1::80')).toEqual({ container: [80, 80], hostIp: '127.0.0.1', protocol: 'tcp' })
    expect(parsePortSpec('80/sctp')).toEqual({ container: [80, 80], protocol: 'sctp' })
  })

  it('refuses what is not a port', () => {
    for (const text of ['', 'http', '0', '65536', '80:', '9002-9000', '80/', '80/tcp/x', 'a:80:80:x', ':80:80'])
      expect(parsePortSpec(text), text).toBeNull()
  })
})

describe('splitVolumeSpec', () => {
  it('splits source, target and mode like compose', () => {
    expect(splitVolumeSpec('/data')).toEqual({ target: '/data' })
    expect(splitVolumeSpec('db:/var/lib/db')).toEqual({ source: 'db', target: '/var/lib/db' })
    expect(splitVolumeSpec('./conf:/etc/app:ro')).toEqual({ source: './conf', target: '/etc/app', mode: 'ro' })
    expect(splitVolumeSpec('/a:/b:ro,z')).toEqual({ source: '/a', target: '/b', mode: 'ro,z' })
  })
})
