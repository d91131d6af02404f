export type Tone = 'ok' | 'warn' | 'bad' | 'neutral'

/** Colour plus text, never colour alone. */
export function StatusChip({ tone, children }: { tone: Tone; children: React.ReactNode }) {
  return (
    <span className={`chip chip-${tone}`}>
      <span className="chip-dot" aria-hidden="true" />
      {children}
    </span>
  )
}
