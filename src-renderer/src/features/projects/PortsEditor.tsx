import { Plus, Trash2 } from 'lucide-react'
import { useFieldArray, useFormContext } from 'react-hook-form'
import { RowInput } from './form-parts'
import { emptyPortRow, type ServiceFormValues } from './service-form-values'

/** Published ports: a host port makes the service reachable from outside; without one it is project-only. */
export function PortsEditor() {
  const { control, register } = useFormContext<ServiceFormValues>()
  const { fields, append, remove } = useFieldArray({ control, name: 'ports' })
  return (
    <fieldset className="fieldset">
      <legend>Ports</legend>
      <p className="hint">
        Leave the host port empty to reach the service only from the project’s other services (by its name).
      </p>
      {fields.length > 0 && (
        <div className="rows">
          <div className="row port-row row-head" aria-hidden="true">
            <span>Container port</span>
            <span>Host port</span>
            <span>Protocol</span>
            <span>Host address (optional)</span>
            <span />
          </div>
          {fields.map((field, index) => {
            const n = index + 1
            return (
              <div className="row port-row" key={field.id} data-testid="port-row">
                <RowInput
                  path={`ports.${index}.container`}
                  label={`Container port ${n}`}
                  inputMode="numeric"
                  placeholder="80"
                />
                <RowInput
                  path={`ports.${index}.host`}
                  label={`Host port ${n}`}
                  inputMode="numeric"
                  placeholder="8080"
                />
                <span className="row-cell">
                  <select {...register(`ports.${index}.protocol`)} aria-label={`Protocol of port ${n}`}>
                    <option value="tcp">tcp</option>
                    <option value="udp">udp</option>
                  </select>
                </span>
                <RowInput
                  path={`ports.${index}.hostIp`}
                  label={`Host address of port ${n}`}
                  placeholder="all addresses"
                />
                <button
                  type="button"
                  className="icon-btn danger"
                  aria-label={`Remove port ${n}`}
                  onClick={() => remove(index)}
                >
                  <Trash2 size={14} aria-hidden="true" />
                </button>
              </div>
            )
          })}
        </div>
      )}
      <div className="toolbar">
        <button type="button" className="btn" onClick={() => append(emptyPortRow())}>
          <Plus size={14} aria-hidden="true" /> Add port
        </button>
      </div>
    </fieldset>
  )
}
