import type { z } from 'zod'
import {
  CreateServiceInput,
  type ServiceSpec,
  type UpdateServiceInput,
} from '../../../../src-preload/contract/projects'
import { MIB, valuesFromSpec, type ServiceFormValues } from './service-form-values'
import { splitWords } from './shell-words'

type CreateInput = z.input<typeof CreateServiceInput>
/** The spec fields of an input, without the ids and the name. */
export type SpecFields = Omit<CreateInput, 'projectId' | 'name'>

/** Which form row each sent entry came from: blank rows are not sent, so indexes shift. */
interface RowMaps {
  env: number[]
  ports: number[]
  volumes: number[]
  labels: Map<string, number>
}

export interface Conversion {
  fields: SpecFields
  /** Problems found while reading what was typed (numbers, quotes), by form path. */
  errors: Record<string, string>
  rows: RowMaps
}

const given = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim())

/** Reads the form's strings into the contract's shapes; what cannot be read is an error on its field. */
export function toSpecFields(values: ServiceFormValues): Conversion {
  const errors: Record<string, string> = {}
  const rows: RowMaps = { env: [], ports: [], volumes: [], labels: new Map() }
  const number = (raw: string, path: string, integer = true): number | undefined => {
    if (raw.trim() === '') return undefined
    const value = Number(raw.trim())
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      errors[path] = integer ? 'Enter a whole number' : 'Enter a number'
      return Number.NaN
    }
    return value
  }
  const words = (raw: string, path: string): string[] | null => {
    if (raw.trim() === '') return null
    const result = splitWords(raw)
    if (result.ok) return result.argv
    errors[path] = result.error
    return null
  }

  const env: NonNullable<SpecFields['env']> = []
  values.env.forEach((row, index) => {
    if (!row.kept && row.key.trim() === '' && row.value === '') return
    rows.env.push(index)
    env.push(
      row.kept ? { key: row.key.trim(), secret: true } : { key: row.key.trim(), value: row.value, secret: row.secret },
    )
  })

  const ports: NonNullable<SpecFields['ports']> = []
  values.ports.forEach((row, index) => {
    if (row.container.trim() === '' && row.host.trim() === '' && row.hostIp.trim() === '') return
    rows.ports.push(index)
    const at = `ports.${index}`
    ports.push({
      container: number(row.container, `${at}.container`) as number,
      host: number(row.host, `${at}.host`),
      protocol: row.protocol,
      hostIp: given(row.hostIp),
    })
  })

  const volumes: NonNullable<SpecFields['volumes']> = []
  values.volumes.forEach((row, index) => {
    if (row.source.trim() === '' && row.target.trim() === '') return
    rows.volumes.push(index)
    if (row.type === 'bind') {
      // The schema wants `true` and says so when it is not: an unconfirmed bind is an error on its checkbox.
      volumes.push({
        type: 'bind',
        source: row.source.trim(),
        target: row.target.trim(),
        readOnly: row.readOnly,
        confirmBind: row.confirmBind as true,
      })
    } else {
      volumes.push({ type: 'volume', source: given(row.source), target: row.target.trim(), readOnly: row.readOnly })
    }
  })

  const labels: Record<string, string> = {}
  values.labels.forEach((row, index) => {
    const key = row.key.trim()
    if (key === '' && row.value === '') return
    if (rows.labels.has(key)) errors[`labels.${index}.key`] = `${key} is set twice`
    else rows.labels.set(key, index)
    labels[key] = row.value
  })

  const h = values.healthcheck
  const timing = {
    interval: given(h.interval),
    timeout: given(h.timeout),
    retries: number(h.retries, 'healthcheck.retries'),
    startPeriod: given(h.startPeriod),
  }
  const healthcheck: SpecFields['healthcheck'] =
    h.type === 'none'
      ? null
      : h.type === 'http'
        ? { type: 'http', path: given(h.path) ?? '/', port: number(h.port, 'healthcheck.port') as number, ...timing }
        : { type: 'command', command: words(h.command, 'healthcheck.command') ?? [], ...timing }

  const memoryMiB = number(values.resources.memoryMiB, 'resources.memoryMiB', false)
  const fields: SpecFields = {
    image: values.source === 'image' ? values.image.trim() : null,
    git:
      values.source === 'git'
        ? {
            url: values.git.url.trim(),
            ref: values.git.ref.trim(),
            context: given(values.git.context),
            dockerfile: given(values.git.dockerfile),
            target: given(values.git.target),
            buildArgs: buildArgs(values.git.buildArgs, errors),
            poll: values.git.poll,
            pollIntervalSeconds: values.git.poll
              ? number(values.git.pollIntervalSeconds, 'git.pollIntervalSeconds')
              : undefined,
          }
        : null,
    command: words(values.command, 'command'),
    entrypoint: words(values.entrypoint, 'entrypoint'),
    env,
    ports,
    volumes,
    restart: {
      policy: values.restart.policy,
      maxRetries:
        values.restart.policy === 'on-failure' ? number(values.restart.maxRetries, 'restart.maxRetries') : undefined,
    },
    healthcheck,
    resources: {
      memoryBytes: memoryMiB === undefined ? undefined : Math.round(memoryMiB * MIB),
      cpus: number(values.resources.cpus, 'resources.cpus', false),
    },
    user: given(values.user) ?? null,
    labels,
    dependsOn: values.dependsOn,
    autoDeploy: values.autoDeploy,
  }
  return { fields, errors, rows }
}

/** `KEY=value` lines as build arguments; a line without `=` or a key given twice is an error on the field. */
function buildArgs(text: string, errors: Record<string, string>): Record<string, string> | undefined {
  const args: Record<string, string> = {}
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const at = line.indexOf('=')
    const key = at < 0 ? line : line.slice(0, at).trim()
    if (at <= 0) errors['git.buildArgs'] ??= `Line ${index + 1}: write KEY=value`
    else if (key in args) errors['git.buildArgs'] ??= `${key} is set twice`
    else args[key] = line.slice(at + 1)
  }
  return Object.keys(args).length > 0 ? args : undefined
}

/** A contract path (`env.2.key`, `resources.memoryBytes`, `labels.tier`) as the form path it is about. */
export function formPath(path: readonly PropertyKey[], rows: RowMaps, invalidKey = false): string {
  const [head, second, ...rest] = path.map((part) => (typeof part === 'symbol' ? '' : String(part)))
  const row = (map: number[]): string => String(map[Number(second)] ?? second)
  switch (head) {
    case 'env':
    case 'ports':
    case 'volumes':
      if (second === undefined) return head
      return [head, row(rows[head]), ...rest].join('.')
    case 'labels': {
      const index = second === undefined ? undefined : rows.labels.get(second)
      return index === undefined ? 'labels' : `labels.${index}.${invalidKey ? 'key' : 'value'}`
    }
    case 'resources':
      return second === 'memoryBytes' ? 'resources.memoryMiB' : 'resources.cpus'
    case 'command':
    case 'entrypoint':
    case 'dependsOn':
    case 'user':
    case 'image':
    case 'name':
    case 'autoDeploy':
      return head
    case 'healthcheck':
      return second === undefined ? 'healthcheck.type' : `healthcheck.${second}`
    case 'git':
    case 'restart':
      return second === undefined ? head : `${head}.${second}`
    default:
      return 'root'
  }
}

const PORT_FIELD = /^(ports\.\d+\.(container|host)|healthcheck\.port)$/

/** The schema's generic wording replaced where a field has a plainer one. */
function friendly(path: string, issue: z.core.$ZodIssue): string {
  if (PORT_FIELD.test(path)) {
    if (issue.code === 'invalid_type' && path.endsWith('container')) return 'Enter the port the container listens on'
    if (issue.code === 'invalid_type' && path === 'healthcheck.port') return 'Enter the port to probe'
    return 'A port from 1 to 65535'
  }
  if (/^volumes\.\d+\.confirmBind$/.test(path)) return 'Confirm that this container may read and write these host files'
  if (path === 'healthcheck.command' && issue.code === 'too_small') return 'Enter the command to run'
  if (path === 'git.pollIntervalSeconds' && (issue.code === 'too_small' || issue.code === 'too_big'))
    return 'From 15 to 86400 seconds'
  if (issue.code === 'invalid_key' && 'issues' in issue && issue.issues[0]) return issue.issues[0].message
  return issue.message
}

export type FormMode =
  { kind: 'create'; projectId: string } | { kind: 'edit'; projectId: string; id: string; original: ServiceSpec }

export type ServiceInput =
  | { kind: 'create'; input: CreateServiceInput }
  | { kind: 'edit'; input: UpdateServiceInput; changed: (keyof SpecFields)[] }

export interface Validation {
  input: ServiceInput | null
  /** Form path → message; empty when the input is valid. */
  errors: Record<string, string>
}

/**
 * Checks the form with the contract's own `CreateServiceInput` (so the rules are the ones the main process
 * enforces) and builds what is sent. An edit sends only the fields that differ from the stored spec: a
 * deployer can change an env value of a service whose bind mount only an admin may touch.
 */
export function validateService(values: ServiceFormValues, mode: FormMode): Validation {
  const conversion = toSpecFields(values)
  const name = mode.kind === 'edit' ? mode.original.name : values.name.trim()
  const parsed = CreateServiceInput.safeParse({ projectId: mode.projectId, name, ...conversion.fields })
  const errors: Record<string, string> = {}
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = formPath(issue.path, conversion.rows, issue.code === 'invalid_key')
      errors[path] ??= friendly(path, issue)
    }
  }
  // What could not even be read explains itself better than the schema's complaint about the result.
  Object.assign(errors, conversion.errors)
  if (Object.keys(errors).length > 0) return { input: null, errors }
  if (mode.kind === 'create')
    return { input: { kind: 'create', input: { projectId: mode.projectId, name, ...conversion.fields } }, errors }
  const before = toSpecFields(valuesFromSpec(mode.original)).fields
  const input: UpdateServiceInput = { id: mode.id }
  const changed: (keyof SpecFields)[] = []
  for (const key of Object.keys(conversion.fields) as (keyof SpecFields)[]) {
    if (JSON.stringify(conversion.fields[key]) === JSON.stringify(before[key])) continue
    changed.push(key)
    Object.assign(input, { [key]: conversion.fields[key] })
  }
  return { input: { kind: 'edit', input, changed }, errors }
}

/** Where a server error's `field` (`env.2.key`) belongs in the form as it is now. */
export function serverFieldPath(field: string | undefined, values: ServiceFormValues): string {
  if (!field) return 'root'
  const path = field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))
  return formPath(path, toSpecFields(values).rows)
}
