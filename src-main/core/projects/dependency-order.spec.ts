import { describe, expect, it } from 'vitest'
import { startLevels, stopLevels } from './dependency-order'

const svc = (name: string, ...dependsOn: string[]) => ({ name, dependsOn })
const names = (levels: { name: string }[][]): string[][] => levels.map((level) => level.map((s) => s.name))

describe('startLevels', () => {
  it('starts services without dependencies first, and each service after everything it depends on', () => {
    const services = [
      svc('web', 'api', 'cache'),
      svc('api', 'db', 'cache'),
      svc('db'),
      svc('cache'),
      svc('worker', 'db'),
    ]
    expect(names(startLevels(services))).toEqual([['db', 'cache'], ['api', 'worker'], ['web']])
  })

  it('keeps the input order within a level and hands back the same objects', () => {
    const services = [svc('c'), svc('a'), svc('b')]
    const levels = startLevels(services)
    expect(names(levels)).toEqual([['c', 'a', 'b']])
    expect(levels[0]![0]).toBe(services[0])
  })

  it('answers no levels for no services', () => {
    expect(startLevels([])).toEqual([])
  })

  it('tolerates a dependency named twice', () => {
    expect(names(startLevels([svc('web', 'db', 'db'), svc('db')]))).toEqual([['db'], ['web']])
  })

  it('names an unknown dependency', () => {
    expect(() => startLevels([svc('web', 'db')])).toThrow(
      expect.objectContaining({ code: 'validation', field: 'dependsOn', message: expect.stringContaining('db') }),
    )
  })

  it('names the services of a cycle in order', () => {
    const services = [svc('web', 'api'), svc('db'), svc('api', 'queue', 'db'), svc('queue', 'web')]
    expect(() => startLevels(services)).toThrow(
      expect.objectContaining({
        code: 'validation',
        field: 'dependsOn',
        message: expect.stringContaining('web → api → queue → web'),
      }),
    )
  })

  it('finds a cycle behind a service that only depends on it', () => {
    expect(() => startLevels([svc('edge', 'a'), svc('a', 'b'), svc('b', 'a')])).toThrow(/a → b → a/)
  })

  it('treats a service depending on itself as a cycle', () => {
    expect(() => startLevels([svc('a', 'a')])).toThrow(/a → a/)
  })

  it('refuses two services with the same name', () => {
    expect(() => startLevels([svc('a'), svc('a')])).toThrow(expect.objectContaining({ code: 'validation' }))
  })
})

describe('stopLevels', () => {
  it('stops dependents before what they depend on', () => {
    expect(names(stopLevels([svc('web', 'db'), svc('db')]))).toEqual([['web'], ['db']])
  })
})
