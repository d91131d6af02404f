import { useWatch, type UseFormReturn } from 'react-hook-form'
import { Field } from '../../components/Field'
import type { AddHostValues, AuthKind, ParsedCreateHost } from './add-host-form'

const AUTH_OPTIONS: { value: AuthKind; label: string }[] = [
  { value: 'privateKeyPath', label: 'Key file' },
  { value: 'privateKey', label: 'Pasted key' },
  { value: 'password', label: 'Password' },
  { value: 'agent', label: 'SSH agent' },
]

/** Address, user and one way to authenticate; secrets go to the main process and are stored encrypted. */
export function SshFields({ form }: { form: UseFormReturn<AddHostValues, unknown, ParsedCreateHost> }) {
  const { register } = form
  const errors = form.formState.errors.ssh
  const auth = useWatch({ control: form.control, name: 'auth' })
  return (
    <>
      <div className="field-row">
        <Field label="SSH host" error={errors?.host?.message}>
          {(props) => (
            <input {...props} {...register('ssh.host')} placeholder="server.example.com" spellCheck={false} />
          )}
        </Field>
        <Field label="SSH port" error={errors?.port?.message}>
          {(props) => (
            <input {...props} {...register('ssh.port', { valueAsNumber: true })} type="number" min={1} max={65535} />
          )}
        </Field>
      </div>
      <Field label="SSH user" error={errors?.username?.message}>
        {(props) => <input {...props} {...register('ssh.username')} autoComplete="off" spellCheck={false} />}
      </Field>
      <fieldset className="fieldset">
        <legend>Authentication</legend>
        <div className="segmented">
          {AUTH_OPTIONS.map((option) => (
            <label key={option.value}>
              <input type="radio" value={option.value} {...register('auth')} /> {option.label}
            </label>
          ))}
        </div>
        {auth === 'privateKeyPath' && (
          <Field
            label="Private key path"
            error={errors?.privateKeyPath?.message}
            hint="On the machine glinrdock runs on"
          >
            {(props) => <input {...props} {...register('ssh.privateKeyPath')} placeholder="/home/me/.ssh/id_ed25519" />}
          </Field>
        )}
        {auth === 'privateKey' && (
          <Field label="Private key" error={errors?.privateKey?.message} hint="Stored encrypted; never shown again">
            {(props) => (
              <textarea
                {...props}
                {...register('ssh.privateKey')}
                rows={4}
                spellCheck={false}
                placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
              />
            )}
          </Field>
        )}
        {(auth === 'privateKeyPath' || auth === 'privateKey') && (
          <Field label="Key passphrase (optional)" error={errors?.passphrase?.message}>
            {(props) => <input {...props} {...register('ssh.passphrase')} type="password" autoComplete="off" />}
          </Field>
        )}
        {auth === 'password' && (
          <Field label="SSH password" error={errors?.password?.message} hint="Stored encrypted; never shown again">
            {(props) => <input {...props} {...register('ssh.password')} type="password" autoComplete="off" />}
          </Field>
        )}
        {auth === 'agent' && <p className="muted">Uses the SSH agent of the glinrdock process (SSH_AUTH_SOCK).</p>}
      </fieldset>
    </>
  )
}
