import type { ErrorBody, ErrorCode } from '../../../src-preload/contract/errors'

/** A failed request as the UI sees it: the same code and field the main process produced. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly field?: string

  constructor(body: ErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.code = body.code
    if (body.field !== undefined) this.field = body.field
  }
}
