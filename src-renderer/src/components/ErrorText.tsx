import type { ErrorCode } from '../../../src-preload/contract/errors'
import { ERROR_TEXT, shortenIds } from '../lib/error-text'

/**
 * An error as people read it: the sentence and the next step first, the code and the raw message
 * behind a disclosure for whoever needs them.
 */
export function ErrorText({
  code,
  message,
  action,
}: {
  code: ErrorCode | string
  message: string
  action?: React.ReactNode
}) {
  const text = ERROR_TEXT[code as ErrorCode] ?? ERROR_TEXT.internal
  return (
    <span className="error-text">
      <span className="error-sentence">{text.sentence}</span> <span className="error-next">{text.next}</span>
      {action && <span className="error-action"> {action}</span>}
      <details className="error-details">
        <summary>Details</summary>
        <code>{code}</code> <span className="wrap-anywhere">{shortenIds(message)}</span>
      </details>
    </span>
  )
}
