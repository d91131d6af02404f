import { Bell } from 'lucide-react'
import { useEffect, useId, useRef, useState } from 'react'
import { navigate } from 'wouter/use-hash-location'
import type { NotificationItem } from '../../../../src-preload/contract/cicd'
import { RelativeTime } from '../../components/RelativeTime'
import { ErrorText } from '../../components/ErrorText'
import { paths } from '../shell/routes'
import { ACTION_TEXT, actionTarget, itemTarget } from './notification-targets'
import { useNotificationsStore } from './notifications-store'
import './notifications.css'

/**
 * The bell in the header: the unread count, and the recent notifications in a panel it opens (a disclosure,
 * not a modal: Escape or a click elsewhere closes it, focus returns to the bell).
 */
export function NotificationsBell() {
  const { items, unread, status, error, watch, load, markRead, markAllRead } = useNotificationsStore()
  const [open, setOpen] = useState(false)
  const panelId = useId()
  const buttonRef = useRef<HTMLButtonElement>(null)
  const panelRef = useRef<HTMLDivElement>(null)
  useEffect(() => watch(), [watch])
  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent): void => {
      const target = event.target as Node
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false)
    }
    // Escape anywhere closes it: focus may have left the panel (a button that became disabled drops it).
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || document.querySelector('[role="dialog"]')) return
      setOpen(false)
      buttonRef.current?.focus()
    }
    document.addEventListener('pointerdown', onPointer)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onPointer)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])
  useEffect(() => {
    if (open) panelRef.current?.querySelector<HTMLElement>('h2')?.focus()
  }, [open])
  const go = (item: NotificationItem, target: string | null): void => {
    void markRead([item.id])
    setOpen(false)
    if (target) navigate(target)
  }
  const label = unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`
  return (
    <div className="bell">
      <button
        ref={buttonRef}
        type="button"
        className="icon-btn bell-btn"
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        data-testid="notifications-bell"
      >
        <Bell size={16} aria-hidden="true" />
        {unread > 0 && (
          <span className="bell-badge" aria-hidden="true" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div ref={panelRef} id={panelId} className="bell-panel" role="region" aria-label="Recent notifications">
          <div className="bell-head">
            <h2 tabIndex={-1}>Notifications</h2>
            <button
              type="button"
              className="link-btn small"
              disabled={unread === 0}
              onClick={() => {
                // The button turns disabled: focus moves to the panel's heading rather than to nowhere.
                panelRef.current?.querySelector<HTMLElement>('h2')?.focus()
                void markAllRead()
              }}
            >
              Mark all as read
            </button>
          </div>
          {status === 'error' && error ? (
            <div className="bell-empty">
              <ErrorText code={error.code} message={error.message} />
              <button type="button" className="btn small" onClick={() => void load()}>
                Retry
              </button>
            </div>
          ) : items.length === 0 ? (
            <div className="bell-empty muted">
              <strong>No notifications yet.</strong> Builds, deployments, rollbacks and failed health checks report here
              when they end. Choose which ones in{' '}
              <a
                href={`#${paths.settings()}?`}
                className="link-btn"
                onClick={(event) => {
                  event.preventDefault()
                  setOpen(false)
                  navigate(`${paths.settings()}?`)
                }}
              >
                Settings
              </a>
              .
            </div>
          ) : (
            <ul className="bell-list" aria-label="Notifications, newest first">
              {items.map((item) => (
                <li
                  key={item.id}
                  className={`bell-item level-${item.level} ${item.read ? '' : 'unread'}`}
                  data-testid="notification-item"
                >
                  <button type="button" className="bell-item-main" onClick={() => go(item, itemTarget(item))}>
                    <span className="bell-item-title">
                      {!item.read && <span className="sr-only">Unread: </span>}
                      {item.title}
                    </span>
                    <span className="bell-item-body">{item.body}</span>
                    <span className="muted small">
                      <RelativeTime iso={item.createdAt} />
                    </span>
                  </button>
                  {item.actions.some((action) => action === 'rollback') && (
                    <div className="bell-item-actions">
                      <button
                        type="button"
                        className="btn small"
                        onClick={() => go(item, actionTarget(item, 'rollback'))}
                      >
                        {ACTION_TEXT.rollback}
                      </button>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}
