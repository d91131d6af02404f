import { X } from 'lucide-react'
import { useNoticesStore } from './notices-store'
import { ErrorText } from '../../components/ErrorText'

/** A polite live region in the corner; each notice can be dismissed from the keyboard. */
export function Notices() {
  const { notices, dismiss } = useNoticesStore()
  return (
    <div className="notices" role="status" aria-live="polite" data-testid="notices">
      {notices.map((notice) => (
        <div key={notice.id} className={`toast toast-${notice.tone}`} data-testid="toast">
          <span className="toast-text">
            {notice.title && <strong className="toast-title">{notice.title}</strong>}
            {notice.code ? (
              <>
                <strong>{notice.text}</strong> <ErrorText code={notice.code} message={notice.detail ?? ''} />
              </>
            ) : (
              notice.text
            )}
            {notice.actions && notice.actions.length > 0 && (
              <span className="toast-actions">
                {notice.actions.map((action) => (
                  <button
                    key={action.label}
                    type="button"
                    className="btn small"
                    onClick={() => {
                      dismiss(notice.id)
                      action.run()
                    }}
                  >
                    {action.label}
                  </button>
                ))}
              </span>
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
