import { useFormContext, useWatch } from 'react-hook-form'
import { ArgvPreview, FormField } from './form-parts'
import type { ServiceFormValues } from './service-form-values'

const KINDS = [
  ['none', 'None'],
  ['http', 'HTTP request'],
  ['command', 'Command'],
] as const

/** An HTTP probe (`wget --spider` inside the container) or a command; timings as Go durations (30s, 1m30s). */
export function HealthcheckFields() {
  const { register, control } = useFormContext<ServiceFormValues>()
  const type = useWatch({ control, name: 'healthcheck.type' })
  return (
    <fieldset className="fieldset">
      <legend>Health check</legend>
      <div className="segmented">
        {KINDS.map(([value, label]) => (
          <label key={value}>
            <input type="radio" value={value} {...register('healthcheck.type')} /> {label}
          </label>
        ))}
      </div>
      {type === 'http' && (
        <div className="field-grid two">
          <FormField path="healthcheck.path" label="Path" hint="Probed on the container itself" />
          <FormField path="healthcheck.port" label="Port" hint="The container port" />
        </div>
      )}
      {type === 'command' && (
        <>
          <FormField
            path="healthcheck.command"
            label="Command"
            hint="Exit code 0 means healthy. Words as in a shell; none is run."
          />
          <ArgvPreview path="healthcheck.command" label="Health check arguments" />
        </>
      )}
      {type !== 'none' && (
        <div className="field-grid four">
          <FormField path="healthcheck.interval" label="Interval" hint="e.g. 30s" />
          <FormField path="healthcheck.timeout" label="Timeout" hint="e.g. 5s" />
          <FormField path="healthcheck.retries" label="Retries" hint="Failures before unhealthy" />
          <FormField path="healthcheck.startPeriod" label="Start period" hint="Grace time after start" />
        </div>
      )}
    </fieldset>
  )
}
