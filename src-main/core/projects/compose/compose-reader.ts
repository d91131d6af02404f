import type { ComposeWarning } from '../../../../src-preload/contract/projects'
import { AppError } from '../../shared/app-error'
import type { ComposeImportOptions } from './compose-import'
import { interpolate, variableReference } from './compose-units'
import { isMap, type Json, type JsonMap } from './compose-yaml'

export const invalid = (path: string, message: string): AppError =>
  new AppError('validation', `${path}: ${message}`, path)
export const unsupported = (key: string): string => `${key} is not supported by glinrdock and is left out`
const quoted = (names: string[]): string => names.map(variableReference).join(', ')

/**
 * The state of one import, shared by the readers of each part of the file: the options, the warnings in file
 * order, and what one part tells another (extension fields, the engine names of named volumes). Its value readers
 * throw a validation error at the path of a value of the wrong kind.
 */
export class ComposeReader {
  readonly warnings: ComposeWarning[] = []
  readonly extensions: string[] = []
  readonly project: string
  /** Named volumes by their key in the file, with the engine name compose would give them. */
  volumeNames = new Map<string, string>()

  constructor(readonly options: ComposeImportOptions) {
    this.project = options.projectName
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message })
  }

  /** A scalar as compose reads it: numbers and booleans as text, strings interpolated (with warnings). */
  text(value: Json | undefined, path: string): string {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    if (typeof value !== 'string') throw invalid(path, 'must be a string')
    if (!value.includes('$')) return value
    const result = interpolate(value)
    if (result.unresolved.length > 0)
      this.warn(
        path,
        `${quoted(result.unresolved)} is left as written: compose substitutes variables from the shell's environment, which glinrdock does not have; write the value instead`,
      )
    if (result.defaulted.length > 0)
      this.warn(path, `The default given for ${quoted(result.defaulted)} is used, as compose does when it is unset`)
    if (result.invalid) this.warn(path, 'A lone $ is kept as written (compose wants $$ for a literal $)')
    return result.value
  }

  list(value: Json | undefined, path: string): Json[] {
    if (!Array.isArray(value)) throw invalid(path, 'must be a list')
    return value
  }

  map(value: Json | undefined, path: string): JsonMap {
    if (!isMap(value)) throw invalid(path, 'must be a mapping')
    return value
  }

  integer(value: Json | undefined, path: string, min: number, max: number): number {
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max)
      throw invalid(path, `must be a whole number from ${min} to ${max}`)
    return number
  }
}
