import type { ErrorBody, ErrorCode } from '../../../src-preload/contract/errors'

/** The only error type the core throws on purpose. Transports map `code` to an envelope or an HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError

/** Turns anything thrown into a body safe to send out: unknown errors never leak their message or stack. */
export function toErrorBody(err: unknown): ErrorBody {
  if (isAppError(err)) {
    return err.field === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, field: err.field }
  }
  return { code: 'internal', message: 'Internal error' }
}
