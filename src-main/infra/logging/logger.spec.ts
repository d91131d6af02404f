import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, scoped } from './logger'

describe('logger', () => {
  it('redacts secret fields at any of the first three levels and keeps the scope', () => {
    const lines: string[] = []
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const log = scoped(createLogger({ level: 'info', destination }), 'ssh')
    log.info(
      {
        token: 'gdt_a',
        body: { password: 'pw1', nested: { privateKey: 'KEY' } },
        headers: { authorization: 'Bearer x' },
      },
      'm',
    )
    const text = lines.join('')
    for (const secret of ['gdt_a', 'pw1', 'KEY', 'Bearer x']) expect(text).not.toContain(secret)
    expect(JSON.parse(text)).toMatchObject({ scope: 'ssh', token: '[redacted]', body: { password: '[redacted]' } })
  })
})
