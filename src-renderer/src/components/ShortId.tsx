import { shortId } from '../lib/format'
import { CopyButton } from './CopyButton'

/** The 12-character id in monospace, with a button that copies the full id. */
export function ShortId({ id, label }: { id: string; label: string }) {
  return (
    <span className="short-id">
      <code title={id}>{shortId(id)}</code>
      <CopyButton value={id} label={label} />
    </span>
  )
}
