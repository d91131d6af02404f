import { useId } from 'react'
import { get, useFormContext, useWatch, type FieldPath, type RegisterOptions } from 'react-hook-form'
import type { ServiceFormValues } from './service-form-values'
import { splitWords } from './shell-words'

export type Path = FieldPath<ServiceFormValues>

/** The message of a field's error, whether the schema or the server put it there. */
export function useFieldError(path: string): string | undefined {
  const { formState } = useFormContext<ServiceFormValues>()
  return (get(formState.errors, path) as { message?: string } | undefined)?.message
}

interface RowInputProps extends Omit<React.InputHTMLAttributes<HTMLInputElement>, 'name'> {
  path: Path
  /** The accessible name: rows have a visible column header, not a label per cell. */
  label: string
  options?: RegisterOptions<ServiceFormValues, Path>
}

/** One cell of an editable row: named for assistive tech, its error under it and tied to it. */
export function RowInput({ path, label, options, className, ...props }: RowInputProps) {
  const { register } = useFormContext<ServiceFormValues>()
  const error = useFieldError(path)
  const id = useId()
  return (
    <span className={`row-cell ${className ?? ''}`}>
      <input
        {...props}
        {...register(path, options)}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        spellCheck={false}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </span>
  )
}

/** A labelled single field registered on the form, with its hint and error. */
export function FormField({
  path,
  label,
  hint,
  children,
}: {
  path: Path
  label: string
  hint?: string
  /** A custom control; by default a text input registered at `path`. */
  children?: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }) => React.ReactNode
}) {
  const { register } = useFormContext<ServiceFormValues>()
  const error = useFieldError(path)
  const id = useId()
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  const props = {
    id,
    ...(described ? { 'aria-describedby': described } : {}),
    ...(error ? { 'aria-invalid': true as const } : {}),
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children ? children(props) : <input {...props} {...register(path)} spellCheck={false} />}
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

/** What a command field will run, one argument per chip: no shell reads it, so this is exactly the argv. */
export function ArgvPreview({
  path,
  label,
}: {
  path: 'command' | 'entrypoint' | 'healthcheck.command'
  label: string
}) {
  const text = useWatch<ServiceFormValues>({ name: path }) as string
  if (!text.trim()) return null
  const result = splitWords(text)
  if (!result.ok) return null
  return (
    <ol className="argv" aria-label={label}>
      {result.argv.map((arg, i) => (
        <li key={i} className="argv-item mono-small">
          {arg === '' ? <span className="muted">(empty)</span> : arg}
        </li>
      ))}
    </ol>
  )
}
