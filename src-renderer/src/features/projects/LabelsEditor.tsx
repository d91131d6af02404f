import { Plus, Trash2 } from 'lucide-react'
import { useFieldArray, useFormContext } from 'react-hook-form'
import { RowInput } from './form-parts'
import type { ServiceFormValues } from './service-form-values'

export function LabelsEditor() {
  const { control } = useFormContext<ServiceFormValues>()
  const { fields, append, remove } = useFieldArray({ control, name: 'labels' })
  return (
    <fieldset className="fieldset">
      <legend>Labels</legend>
      {fields.length > 0 && (
        <div className="rows">
          <div className="row label-row row-head" aria-hidden="true">
            <span>Key</span>
            <span>Value</span>
            <span />
          </div>
          {fields.map((field, index) => (
            <div className="row label-row" key={field.id}>
              <RowInput
                path={`labels.${index}.key`}
                label={`Key of label ${index + 1}`}
                placeholder="com.example.team"
              />
              <RowInput path={`labels.${index}.value`} label={`Value of label ${index + 1}`} />
              <button
                type="button"
                className="icon-btn danger"
                aria-label={`Remove label ${index + 1}`}
                onClick={() => remove(index)}
              >
                <Trash2 size={14} aria-hidden="true" />
              </button>
            </div>
          ))}
        </div>
      )}
      <div className="toolbar">
        <button type="button" className="btn" onClick={() => append({ key: '', value: '' })}>
          <Plus size={14} aria-hidden="true" /> Add label
        </button>
      </div>
    </fieldset>
  )
}
