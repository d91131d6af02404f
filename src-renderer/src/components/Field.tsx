import { useId } from 'react'

interface FieldProps {
  label: string
  error?: string | undefined
  hint?: string | undefined
  /** Renders the control with the id its label points at and the ids of its hint and error. */
  children(props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }): React.ReactNode
}

/** A labelled form control whose hint and error are announced with it but are not part of its name. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId()
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(error ? { 'aria-invalid': true as const } : {}),
      })}
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  )
}
