import type { z } from 'zod'
import { AppError } from './app-error'

/** Parses input with a contract schema; the first issue becomes a `validation` error naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'Invalid input'
  throw new AppError('validation', message, field)
}
