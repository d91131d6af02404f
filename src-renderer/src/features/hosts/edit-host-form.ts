import {
  TestHostInput,
  UpdateHostInput,
  type HostSummary,
  type TestHostInput as TestHostRequest,
  type UpdateHostInput as UpdateHostRequest,
} from '../../../../src-preload/contract/hosts'
import { toProxyInput } from './proxy-form'

export type CredentialChoice = 'keep' | 'privateKeyPath' | 'privateKey' | 'password' | 'agent'

/** The edit form: what the host has now, with credentials blank (they never come back from the server). */
export interface EditHostValues {
  name: string
  labels: string
  socketPath: string
  host: string
  port: string
  username: string
  credential: CredentialChoice
  privateKeyPath: string
  privateKey: string
  passphrase: string
  password: string
  proxyImage: string
  proxyHttpPort: string
  proxyHttpsPort: string
}

export function valuesFromHost(host: HostSummary): EditHostValues {
  return {
    name: host.name,
    labels: Object.entries(host.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n'),
    socketPath: host.socketPath,
    host: host.ssh?.host ?? '',
    port: String(host.ssh?.port ?? 22),
    username: host.ssh?.username ?? '',
    credential: 'keep',
    privateKeyPath: host.ssh?.privateKeyPath ?? '',
    privateKey: '',
    passphrase: '',
    password: '',
    proxyImage: host.proxy.image,
    proxyHttpPort: String(host.proxy.httpPort),
    proxyHttpsPort: String(host.proxy.httpsPort),
  }
}

/** `key=value` per line (or comma-separated); an unparseable line becomes a key the schema refuses, naming it. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim()
    if (!line) continue
    const equals = line.indexOf('=')
    if (equals < 0) labels[line] = ''
    else labels[line.slice(0, equals).trim()] = line.slice(equals + 1).trim()
  }
  return labels
}

export const addressChanged = (host: HostSummary, values: EditHostValues): boolean =>
  host.ssh !== null && (values.host.trim() !== host.ssh.host || Number(values.port) !== host.ssh.port)

/** Only what changed goes to `hosts.update`: an untouched credential stays as it is stored. */
export function toUpdateInput(
  host: HostSummary,
  values: EditHostValues,
  confirmedKey: string | null,
): UpdateHostRequest {
  const input: UpdateHostRequest = { id: host.id }
  if (values.name.trim() !== host.name) input.name = values.name
  const labels = parseLabels(values.labels)
  if (JSON.stringify(labels) !== JSON.stringify(host.labels)) input.labels = labels
  if (values.socketPath.trim() !== host.socketPath) input.socketPath = values.socketPath.trim()
  const proxy = proxyChanges(host, values)
  if (proxy) input.proxy = proxy
  if (!host.ssh) return input
  const ssh: NonNullable<UpdateHostRequest['ssh']> = {}
  if (values.host.trim() !== host.ssh.host) ssh.host = values.host.trim()
  const port = /^\d+$/.test(values.port.trim()) ? Number(values.port) : NaN
  if (port !== host.ssh.port) ssh.port = port
  if (values.username.trim() !== host.ssh.username) ssh.username = values.username.trim()
  Object.assign(ssh, credentialFields(values))
  if (addressChanged(host, values) && confirmedKey) ssh.hostKeyFingerprint = confirmedKey
  if (Object.keys(ssh).length > 0) input.ssh = ssh
  return input
}

/** Only the proxy fields that differ from what the host has; a blank one is left as it is. */
function proxyChanges(host: HostSummary, values: EditHostValues): UpdateHostRequest['proxy'] {
  const changed = toProxyInput({
    image: values.proxyImage.trim() === host.proxy.image ? '' : values.proxyImage,
    httpPort: values.proxyHttpPort.trim() === String(host.proxy.httpPort) ? '' : values.proxyHttpPort,
    httpsPort: values.proxyHttpsPort.trim() === String(host.proxy.httpsPort) ? '' : values.proxyHttpsPort,
  })
  // The schema compares the two ports: send both when one changes, so a swap is checked as a whole.
  if (changed && (changed.httpPort !== undefined || changed.httpsPort !== undefined)) {
    changed.httpPort ??= host.proxy.httpPort
    changed.httpsPort ??= host.proxy.httpsPort
  }
  return changed
}

function credentialFields(values: EditHostValues): Partial<NonNullable<UpdateHostRequest['ssh']>> {
  const passphrase = values.passphrase ? { passphrase: values.passphrase } : {}
  switch (values.credential) {
    case 'keep':
      return {}
    case 'privateKeyPath':
      return { privateKeyPath: values.privateKeyPath.trim(), ...passphrase }
    case 'privateKey':
      return { privateKey: values.privateKey, ...passphrase }
    case 'password':
      return { password: values.password }
    case 'agent':
      return { agent: true }
  }
}

/** The test of an edit: the stored host with what the form changes on top. */
export function toTestInput(host: HostSummary, values: EditHostValues, confirmedKey: string | null): TestHostRequest {
  const { id: _id, ...update } = toUpdateInput(host, values, confirmedKey)
  return { id: host.id, ...update }
}

export type FieldErrors = Partial<Record<string, string>>

/** The contract's own rules, with each issue on the field the form shows for it. */
export function validate(schema: typeof UpdateHostInput | typeof TestHostInput, input: unknown): FieldErrors {
  const result = schema.safeParse(input)
  if (result.success) return {}
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const path = issue.path.map(String)
    if (path[0] === 'proxy') {
      errors[`proxy.${path[1] ?? 'image'}`] ??= issue.message
      continue
    }
    const field = path[0] === 'ssh' ? (path[1] ?? 'host') : (path[0] ?? 'name')
    const key = field === 'hostKeyFingerprint' ? 'host' : field
    errors[key] ??= issue.message
  }
  return errors
}
