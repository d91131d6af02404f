/** `info`: work in progress (issuing, renewing), neither good nor bad yet. */
export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'info'

interface StatusChipProps {
  tone: Tone
  children: React.ReactNode
  title?: string | undefined
  testId?: string | undefined
  /** Machine-readable state for tests and styling (`data-state`). */
  state?: string | undefined
}

/** Colour plus text, never colour alone. */
export function StatusChip({ tone, children, title, testId, state }: StatusChipProps) {
  return (
    <span className={`chip chip-${tone}`} title={title} data-testid={testId} data-state={state}>
      <span className="chip-dot" aria-hidden="true" />
      {children}
    </span>
  )
}
