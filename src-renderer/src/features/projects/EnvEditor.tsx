import { ClipboardPaste, Plus, Trash2 } from 'lucide-react'
import { useId, useState } from 'react'
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form'
import { parseEnvFile, type EnvParseResult } from './env-file'
import { RowInput, useFieldError } from './form-parts'
import { emptyEnvRow, type EnvRow, type ServiceFormValues } from './service-form-values'

/**
 * Variables as rows. A stored secret is never sent back to the renderer: its row shows that the value is
 * kept, and "Replace" lets the user type a new one. A pasted `.env` text adds its variables (or updates rows
 * with the same name).
 */
export function EnvEditor() {
  const { control, register, setValue, getValues } = useFormContext<ServiceFormValues>()
  const { fields, append, remove, update } = useFieldArray({ control, name: 'env' })
  const rows = useWatch({ control, name: 'env' })
  const listError = useFieldError('env')
  const [pasting, setPasting] = useState(false)

  const addPasted = (entries: EnvParseResult['entries'], secret: boolean): void => {
    const current = getValues('env')
    for (const { key, value } of entries) {
      const index = current.findIndex((row) => row.key.trim() === key)
      const row: EnvRow = { key, value, secret: secret || (current[index]?.secret ?? false), kept: false }
      if (index >= 0) update(index, row)
      else append(row)
    }
    setPasting(false)
  }

  return (
    <fieldset className="fieldset">
      <legend>Environment</legend>
      {fields.length > 0 && (
        <div className="rows">
          <div className="row env-row row-head" aria-hidden="true">
            <span>Name</span>
            <span>Value</span>
            <span>Secret</span>
            <span />
          </div>
          {fields.map((field, index) => {
            const row = rows[index] ?? field
            const n = index + 1
            return (
              <div className="row env-row" key={field.id} data-testid="env-row">
                <RowInput
                  path={`env.${index}.key`}
                  label={`Name of variable ${n}`}
                  readOnly={row.kept}
                  title={row.kept ? 'Replace the value to rename a stored secret' : undefined}
                  placeholder="NAME"
                />
                {row.kept ? (
                  <span className="row-cell kept">
                    <span className="muted">•••• (kept)</span>
                    <button
                      type="button"
                      className="link-btn"
                      aria-label={`Replace the value of ${row.key}`}
                      onClick={() =>
                        setValue(`env.${index}`, { ...row, kept: false, value: '' }, { shouldDirty: true })
                      }
                    >
                      Replace
                    </button>
                  </span>
                ) : (
                  <RowInput
                    path={`env.${index}.value`}
                    label={`Value of ${row.key || `variable ${n}`}`}
                    type={row.secret ? 'password' : 'text'}
                    autoComplete="off"
                  />
                )}
                <span className="row-cell center">
                  <input
                    type="checkbox"
                    {...register(`env.${index}.secret`)}
                    disabled={row.kept}
                    aria-label={`${row.key || `Variable ${n}`} is secret`}
                    title="A secret's value is sealed and never shown again"
                  />
                </span>
                <button
                  type="button"
                  className="icon-btn danger"
                  aria-label={`Remove ${row.key || `variable ${n}`}`}
                  onClick={() => remove(index)}
                >
                  <Trash2 size={14} aria-hidden="true" />
                </button>
              </div>
            )
          })}
        </div>
      )}
      {listError && <p className="field-error">{listError}</p>}
      <div className="toolbar">
        <button type="button" className="btn" onClick={() => append(emptyEnvRow())}>
          <Plus size={14} aria-hidden="true" /> Add variable
        </button>
        <button type="button" className="btn" aria-expanded={pasting} onClick={() => setPasting(!pasting)}>
          <ClipboardPaste size={14} aria-hidden="true" /> Paste .env
        </button>
      </div>
      {pasting && <EnvPaste onAdd={addPasted} onCancel={() => setPasting(false)} />}
    </fieldset>
  )
}

function EnvPaste({
  onAdd,
  onCancel,
}: {
  onAdd(entries: EnvParseResult['entries'], secret: boolean): void
  onCancel(): void
}) {
  const [text, setText] = useState('')
  const [secret, setSecret] = useState(false)
  const id = useId()
  const parsed = parseEnvFile(text)
  return (
    <div className="stack paste-box">
      <div className="field">
        <label htmlFor={`${id}-text`}>.env text</label>
        <textarea
          id={`${id}-text`}
          rows={6}
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={'# comments are skipped\nDB_HOST=db\nexport API_URL="https://api.example.com"'}
          spellCheck={false}
          aria-describedby={parsed.errors.length ? `${id}-errors` : undefined}
        />
        {parsed.errors.length > 0 && (
          <ul id={`${id}-errors`} className="field-error small">
            {parsed.errors.map((e) => (
              <li key={e.line}>
                Line {e.line}: {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="checkbox">
        <input id={`${id}-secret`} type="checkbox" checked={secret} onChange={(e) => setSecret(e.target.checked)} />
        <label htmlFor={`${id}-secret`}>Mark them as secret</label>
      </div>
      <div className="toolbar">
        <button
          type="button"
          className="btn primary"
          disabled={parsed.entries.length === 0}
          onClick={() => onAdd(parsed.entries, secret)}
        >
          Add {parsed.entries.length} variable{parsed.entries.length === 1 ? '' : 's'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  )
}
