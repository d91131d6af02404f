import type { FastifyReply } from 'fastify'
import type { ErrorBody } from '../../src-preload/contract/errors'
import { isAppError, toErrorBody } from '../core/shared/app-error'
import { HTTP_STATUS } from './http-status'

export function sendError(reply: FastifyReply, error: ErrorBody, headers: Record<string, string> = {}): FastifyReply {
  if (error.code === 'unauthorized') reply.header('WWW-Authenticate', 'Bearer')
  for (const [name, value] of Object.entries(headers)) reply.header(name, value)
  return reply
    .code(HTTP_STATUS[error.code])
    .header('Cache-Control', 'no-store')
    .type('application/json; charset=utf-8')
    .send({ error })
}

/** Fastify's own failures, in our words: the framework's messages mention internals users cannot act on. */
const FRAMEWORK_ERRORS: Record<string, ErrorBody> = {
  FST_ERR_BAD_URL: { code: 'validation', message: 'The request path is not a valid URL (a broken %-escape)' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'validation', message: 'Request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'validation', message: 'Request body is not valid JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'Request body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'Content-Type must be application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'validation', message: 'Content-Length does not match the body' },
}

/** Turns anything a route, hook or the framework threw into a body safe to send; unknown errors are `internal`. */
export function errorBodyFor(err: unknown): ErrorBody {
  if (isAppError(err)) return toErrorBody(err)
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; statusCode?: unknown }
  if (typeof e.code === 'string' && e.code in FRAMEWORK_ERRORS) return FRAMEWORK_ERRORS[e.code]!
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 403) return { code: 'forbidden', message: 'Forbidden' }
    if (e.statusCode === 404) return { code: 'not_found', message: 'Not found' }
    if (e.statusCode === 413) return FRAMEWORK_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE!
    if (e.statusCode === 415) return FRAMEWORK_ERRORS.FST_ERR_CTP_INVALID_MEDIA_TYPE!
    if (e.statusCode === 429) return { code: 'rate_limited', message: 'Too many requests' }
    return { code: 'validation', message: 'Bad request' }
  }
  return toErrorBody(err)
}
