import { describe, expect, it } from 'vitest'
import type { AppError } from '../../shared/app-error'
import { load, one, refusal } from './compose-test-support'

describe('importCompose: hostile YAML', () => {
  const quick = (yaml: string): AppError => {
    const started = performance.now()
    const error = refusal(() => load(yaml))
    expect(performance.now() - started).toBeLessThan(2000)
    expect(error).toMatchObject({ code: 'validation', field: 'yaml' })
    return error
  }

  it('refuses a billion-laughs alias bomb quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`,
      )
    }
    lines.push('services:\n  app:\n    image: nginx\n    command: *j')
    expect(quick(lines.join('\n')).message).toBe('The file expands its aliases too often to be read safely')
    const merges = ['x-0: &x0 {k0: v}']
    for (let i = 1; i < 30; i++)
      merges.push(
        `x-${i}: &x${i} {<<: [${Array(10)
          .fill(`*x${i - 1}`)
          .join(',')}], k${i}: v}`,
      )
    quick(`${merges.join('\n')}\nservices: {}`)
  })

  it('still reads files that share settings through anchors', () => {
    const services = Array.from({ length: 40 }, (_, i) => `  s${i}: {<<: *common, image: nginx}`)
    const result = load(`x-common: &common {restart: always, labels: {team: a}}\nservices:\n${services.join('\n')}\n`)
    expect(result.drafts).toHaveLength(40)
    expect(result.drafts[39]).toMatchObject({ restart: { policy: 'always' }, labels: { team: 'a' } })
  })

  it('refuses huge nesting quickly, in flow and block style, without exhausting the stack or the heap', () => {
    const max = 512 * 1024
    expect(quick('{'.repeat(max)).message).toBe('The file is nested too deeply')
    quick('['.repeat(max))
    quick(`services: ${'[a: '.repeat(max / 4)}`)
    quick(`${'- '.repeat(max / 2)}x`)
    quick(Array.from({ length: 700 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'))
    // Under the lexical bound but deeper than any compose file: the parsed tree is bounded too.
    quick(`services: {app: {image: nginx, x-deep: ${'['.repeat(100)}${']'.repeat(100)}}}`)
  })

  it('refuses what is not one YAML mapping with a services mapping', () => {
    for (const yaml of [
      '',
      '# only a comment\n',
      '- a\n- b\n',
      'just text',
      '~',
      'services:\n',
      'services: [web]\n',
      'image: nginx\n',
    ])
      quick(yaml)
    expect(quick('services: {}\n---\nservices: {}\n').message).toMatch(/several YAML documents/)
    expect(quick('services: {web: {image: [}}').message).toMatch(/^Not valid YAML: /)
    expect(quick('services: {}\nservices: {}\n').message).toMatch(/^Not valid YAML: the key services appears twice/)
    quick(`services: {}\nx-pad: "${'a'.repeat(512 * 1024)}"\n`)
  })

  it("refuses tags other than the core schema's, whatever they claim to construct", () => {
    for (const tagged of [
      '!!js/function "function () { return process }"',
      '!!python/object/apply:os.system ["id"]',
      '!!binary aGVsbG8=',
      '!!set {a, b}',
      '!!timestamp 2001-12-14',
      '!reset []',
    ])
      quick(`services:\n  app:\n    image: nginx\n    command: ${tagged}\n`)
    // The core schema's own tags are plain values.
    expect(one('image: !!str nginx\nuser: !!str 1000').draft).toMatchObject({ image: 'nginx', user: '1000' })
  })

  it('refuses __proto__ keys anywhere and pollutes no prototype', () => {
    for (const yaml of [
      '__proto__: {polluted: yes}\nservices: {}\n',
      'services:\n  __proto__: {image: nginx}\n',
      'services:\n  app: {image: nginx, labels: {__proto__: {polluted: yes}}}\n',
      'services:\n  app: {image: nginx, environment: {__proto__: x}}\n',
      'x-a: &a {__proto__: {polluted: yes}}\nservices:\n  app: {<<: *a, image: nginx}\n',
    ])
      expect(quick(yaml).message).toBe('The key __proto__ is not allowed')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })
})
