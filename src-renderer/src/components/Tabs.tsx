import { useRef } from 'react'

export interface TabItem<T extends string> {
  id: T
  label: string
}

interface TabsProps<T extends string> {
  label: string
  items: TabItem<T>[]
  value: T
  onChange(value: T): void
  /** Prefix for the ids that tie each tab to its panel. */
  idPrefix: string
  children: React.ReactNode
}

/** WAI-ARIA tabs with automatic activation: arrows, Home and End move between tabs; Tab enters the panel. */
export function Tabs<T extends string>({ label, items, value, onChange, idPrefix, children }: TabsProps<T>) {
  const listRef = useRef<HTMLDivElement>(null)
  const select = (index: number): void => {
    const item = items[(index + items.length) % items.length]!
    onChange(item.id)
    listRef.current?.querySelector<HTMLElement>(`#${idPrefix}-tab-${item.id}`)?.focus()
  }
  const current = items.findIndex((item) => item.id === value)
  const onKeyDown = (event: React.KeyboardEvent): void => {
    const moves: Record<string, number> = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: -1 }
    const target = moves[event.key]
    if (target === undefined) return
    event.preventDefault()
    select(target)
  }
  return (
    <div className="tabs">
      <div className="tablist" role="tablist" aria-label={label} ref={listRef} onKeyDown={onKeyDown}>
        {items.map((item) => (
          <button
            key={item.id}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${item.id}`}
            aria-selected={item.id === value}
            aria-controls={`${idPrefix}-panel-${item.id}`}
            tabIndex={item.id === value ? 0 : -1}
            className={`tab ${item.id === value ? 'active' : ''}`}
            onClick={() => onChange(item.id)}
          >
            {item.label}
          </button>
        ))}
      </div>
      <div
        className="tabpanel"
        role="tabpanel"
        id={`${idPrefix}-panel-${value}`}
        aria-labelledby={`${idPrefix}-tab-${value}`}
      >
        {children}
      </div>
    </div>
  )
}
