import { Plus, Trash2 } from 'lucide-react'
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form'
import { useRoleAllows } from '../connection/connection-store'
import { RowInput, useFieldError } from './form-parts'
import { emptyVolumeRow, type ServiceFormValues } from './service-form-values'

/**
 * Named volumes (kept across recreations), anonymous ones (no source), and bind mounts. A bind mount hands
 * host files to the container, so each one is confirmed on its own and only an admin may add one.
 */
export function VolumesEditor() {
  const { control, register, setValue } = useFormContext<ServiceFormValues>()
  const { fields, append, remove } = useFieldArray({ control, name: 'volumes' })
  const rows = useWatch({ control, name: 'volumes' })
  const mayBind = useRoleAllows('admin') !== false
  return (
    <fieldset className="fieldset">
      <legend>Volumes</legend>
      {fields.length > 0 && (
        <div className="rows">
          <div className="row volume-row row-head" aria-hidden="true">
            <span>Kind</span>
            <span>Source</span>
            <span>Path in the container</span>
            <span>Read-only</span>
            <span />
          </div>
          {fields.map((field, index) => {
            const row = rows[index] ?? field
            const n = index + 1
            return (
              <div className="volume-block" key={field.id} data-testid="volume-row">
                <div className="row volume-row">
                  <span className="row-cell">
                    <select
                      {...register(`volumes.${index}.type`, {
                        onChange: () => setValue(`volumes.${index}.confirmBind`, false),
                      })}
                      aria-label={`Kind of volume ${n}`}
                    >
                      <option value="volume">Named volume</option>
                      <option value="bind" disabled={!mayBind && row.type !== 'bind'}>
                        Bind mount{mayBind ? '' : ' (admin only)'}
                      </option>
                    </select>
                  </span>
                  <RowInput
                    path={`volumes.${index}.source`}
                    label={`Source of volume ${n}`}
                    placeholder={row.type === 'bind' ? '/path/on/host' : 'name (empty: anonymous)'}
                    options={{ onChange: () => row.type === 'bind' && setValue(`volumes.${index}.confirmBind`, false) }}
                  />
                  <RowInput
                    path={`volumes.${index}.target`}
                    label={`Container path of volume ${n}`}
                    placeholder="/data"
                  />
                  <span className="row-cell center">
                    <input
                      type="checkbox"
                      {...register(`volumes.${index}.readOnly`)}
                      aria-label={`Volume ${n} is read-only`}
                    />
                  </span>
                  <button
                    type="button"
                    className="icon-btn danger"
                    aria-label={`Remove volume ${n}`}
                    onClick={() => remove(index)}
                  >
                    <Trash2 size={14} aria-hidden="true" />
                  </button>
                </div>
                {row.type === 'bind' && <BindConfirm index={index} source={row.source} />}
              </div>
            )
          })}
        </div>
      )}
      <div className="toolbar">
        <button type="button" className="btn" onClick={() => append(emptyVolumeRow())}>
          <Plus size={14} aria-hidden="true" /> Add volume
        </button>
      </div>
    </fieldset>
  )
}

function BindConfirm({ index, source }: { index: number; source: string }) {
  const { register } = useFormContext<ServiceFormValues>()
  const error = useFieldError(`volumes.${index}.confirmBind`)
  const id = `bind-confirm-${index}`
  return (
    <div className="bind-confirm">
      <div className="checkbox">
        <input
          id={id}
          type="checkbox"
          {...register(`volumes.${index}.confirmBind`)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <label htmlFor={id}>
          I confirm that this container may read and write <code>{source.trim() || 'this path'}</code> on the host
        </label>
      </div>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  )
}
