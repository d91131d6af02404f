import { useState } from 'react'
import { useForm, useWatch } from 'react-hook-form'
import { useShallow } from 'zustand/react/shallow'
import type { ProbeResult } from '../../../../src-preload/contract/hosts'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { Field } from '../../components/Field'
import type { ApiError } from '../../lib/api-error'
import { errorLine } from '../../lib/error-text'
import { navigation } from '../shell/use-route'
import {
  ADD_HOST_DEFAULTS,
  addHostResolver,
  isFormField,
  toCreateInput,
  valuesFromCandidate,
  type AddHostValues,
  type ParsedCreateHost,
} from './add-host-form'
import { ConnectionTest } from './ConnectionTest'
import { HostKeyCheck } from './HostKeyCheck'
import { useHostsStore } from './hosts-store'
import { ImportPicker } from './ImportPicker'
import { proxyFieldMessage } from './proxy-form'
import { ProxyFieldset } from './ProxyFieldset'
import { SshFields } from './SshFields'

interface Probe {
  /** `host:port` the result belongs to: editing either makes it stale. */
  target: string
  result: ProbeResult
}

export function AddHostDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const { probe: probeHost, create } = useHostsStore(useShallow((s) => ({ probe: s.probe, create: s.create })))
  const form = useForm<AddHostValues, unknown, ParsedCreateHost>({
    resolver: addHostResolver,
    defaultValues: ADD_HOST_DEFAULTS,
  })
  const { errors, isSubmitting } = form.formState
  const [kind, host, port] = useWatch({ control: form.control, name: ['kind', 'ssh.host', 'ssh.port'] })
  const [probe, setProbe] = useState<Probe | null>(null)
  const [probeError, setProbeError] = useState<ApiError | null>(null)
  const [probing, setProbing] = useState(false)
  const [verified, setVerified] = useState(false)
  const target = `${host.trim()}:${port}`
  const current = probe?.target === target ? probe.result : null
  const canAdd = kind === 'local' || (current !== null && verified)

  const close = (next: boolean): void => {
    if (!next) {
      form.reset(ADD_HOST_DEFAULTS)
      setProbe(null)
      setProbeError(null)
      setVerified(false)
    }
    onOpenChange(next)
  }

  const runProbe = async (): Promise<void> => {
    if (!(await form.trigger(['ssh.host', 'ssh.port']))) return
    setProbing(true)
    setProbeError(null)
    setVerified(false)
    form.clearErrors('ssh.hostKeyFingerprint')
    try {
      setProbe({ target, result: await probeHost(host.trim(), port) })
    } catch (err) {
      setProbe(null)
      setProbeError(toApiError(err))
    } finally {
      setProbing(false)
    }
  }

  const submit = form.handleSubmit(async (values) => {
    const input =
      values.ssh && current
        ? { ...values, ssh: { ...values.ssh, hostKeyFingerprint: current.hostKeyFingerprint } }
        : values
    try {
      const created = await create(input)
      close(false)
      navigation.host(created.id)
    } catch (err) {
      const error = toApiError(err)
      const message = errorLine(error)
      if (error.field === 'ssh.hostKeyFingerprint') setVerified(false)
      form.setError(isFormField(error.field) ? error.field : 'root', { message })
    }
  })

  return (
    <Dialog open={open} onOpenChange={close} title="Add host" wide>
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate aria-label="Add host">
        <ImportPicker
          onPick={(candidate) => {
            form.reset(valuesFromCandidate(candidate, form.getValues()))
            setVerified(false)
          }}
        />
        <fieldset className="fieldset">
          <legend>Connection</legend>
          <div className="segmented">
            <label>
              <input type="radio" value="local" {...form.register('kind')} /> Local engine
            </label>
            <label>
              <input type="radio" value="ssh" {...form.register('kind')} /> SSH
            </label>
          </div>
        </fieldset>
        <Field label="Name" error={errors.name?.message}>
          {(props) => <input {...props} {...form.register('name')} autoFocus placeholder="production" />}
        </Field>
        {kind === 'ssh' && <SshFields form={form} />}
        <Field
          label={kind === 'ssh' ? 'Remote Docker socket (optional)' : 'Docker socket (optional)'}
          error={errors.socketPath?.message}
          hint={
            kind === 'ssh'
              ? 'Default /var/run/docker.sock on the server'
              : 'Default DOCKER_HOST or /var/run/docker.sock'
          }
        >
          {(props) => <input {...props} {...form.register('socketPath')} spellCheck={false} />}
        </Field>
        <ProxyFieldset
          editing={false}
          bind={(field) => form.register(`proxy.${field}`)}
          errors={{
            image: errors.proxy?.image?.message,
            httpPort: proxyFieldMessage('httpPort', errors.proxy?.httpPort?.message),
            httpsPort: proxyFieldMessage('httpsPort', errors.proxy?.httpsPort?.message),
          }}
        />
        {kind === 'ssh' && (
          <HostKeyCheck
            host={host}
            result={current}
            probing={probing}
            error={probeError}
            fieldError={errors.ssh?.hostKeyFingerprint?.message}
            verified={verified}
            onVerifiedChange={setVerified}
            onProbe={() => void runProbe()}
          />
        )}
        <ConnectionTest
          input={async () => {
            if (!(await form.trigger())) return null
            const { name, ...rest } = toCreateInput(form.getValues())
            const ssh =
              rest.ssh && current && verified
                ? { ...rest.ssh, hostKeyFingerprint: current.hostKeyFingerprint }
                : rest.ssh
            return { ...rest, ...(name.trim() ? { name } : {}), ...(ssh ? { ssh } : {}) }
          }}
        />
        {errors.root && (
          <p className="field-error" role="alert">
            {errors.root.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => close(false)}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={!canAdd || isSubmitting}>
            {isSubmitting ? 'Adding…' : 'Add host'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
