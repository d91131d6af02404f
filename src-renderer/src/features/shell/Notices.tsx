import { X } from 'lucide-react'
import { useNoticesStore } from './notices-store'
import { ErrorText } from '../../components/ErrorText'

/** A polite live region in the corner; each notice can be dismissed from the keyboard. */
export function Notices() {
  const { notices, dismiss } = useNoticesStore()
  return (
    <div className="notices" role="status" aria-live="polite" data-testid="notices">
      {notices.map((notice) => (
        <div key={notice.id} className={`toast toast-${notice.tone}`}>
          <span className="toast-text">
            {notice.code ? (
              <>
                <strong>{notice.text}</strong> <ErrorText code={notice.code} message={notice.detail ?? ''} />
              </>
            ) : (
              notice.text
            )}
          </span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
            <X size={14} aria-hidden="true" />
          </button>
        </div>
      ))}
    </div>
  )
}
