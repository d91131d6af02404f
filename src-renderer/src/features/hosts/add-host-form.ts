import { zodResolver } from '@hookform/resolvers/zod'
import type { FieldErrors, Resolver } from 'react-hook-form'
import type { z } from 'zod'
import { CreateHostInput, type ImportCandidates } from '../../../../src-preload/contract/hosts'
import { EMPTY_PROXY_VALUES, toProxyInput, type ProxyValues } from './proxy-form'

export type AuthKind = 'privateKeyPath' | 'privateKey' | 'password' | 'agent'
export type ParsedCreateHost = z.output<typeof CreateHostInput>

/**
 * The add-host form. Field names follow the contract's paths (`ssh.host` …) so that a server error's
 * `field` lands on the same input; `kind` and `auth` only choose which parts are sent.
 */
export interface AddHostValues {
  kind: 'local' | 'ssh'
  auth: AuthKind
  name: string
  socketPath: string
  ssh: {
    host: string
    port: number
    username: string
    privateKeyPath: string
    privateKey: string
    passphrase: string
    password: string
    hostKeyFingerprint: string
  }
  /** The host's proxy: blank fields keep the defaults. */
  proxy: ProxyValues
}

export const ADD_HOST_DEFAULTS: AddHostValues = {
  kind: 'local',
  auth: 'privateKeyPath',
  name: '',
  socketPath: '',
  ssh: {
    host: '',
    port: 22,
    username: '',
    privateKeyPath: '',
    privateKey: '',
    passphrase: '',
    password: '',
    hostKeyFingerprint: '',
  },
  proxy: EMPTY_PROXY_VALUES,
}

const given = (value: string): string | undefined => (value.trim() === '' ? undefined : value)

/** What `hosts.create` receives: only the chosen kind and the chosen way to authenticate. */
export function toCreateInput(values: AddHostValues): CreateHostInput {
  const input: CreateHostInput = { name: values.name, socketPath: given(values.socketPath) }
  const proxy = toProxyInput(values.proxy)
  if (proxy) input.proxy = proxy
  if (values.kind === 'local') return input
  const { ssh, auth } = values
  input.ssh = {
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    hostKeyFingerprint: given(ssh.hostKeyFingerprint),
    privateKeyPath: auth === 'privateKeyPath' ? given(ssh.privateKeyPath) : undefined,
    privateKey: auth === 'privateKey' ? given(ssh.privateKey) : undefined,
    password: auth === 'password' ? given(ssh.password) : undefined,
    agent: auth === 'agent' ? true : undefined,
    passphrase: auth === 'privateKey' || auth === 'privateKeyPath' ? given(ssh.passphrase) : undefined,
  }
  return input
}

const REQUIRED: Partial<Record<AuthKind, ['privateKeyPath' | 'privateKey' | 'password', string]>> = {
  privateKeyPath: ['privateKeyPath', 'Give the path of the private key file'],
  privateKey: ['privateKey', 'Paste the private key'],
  password: ['password', 'Enter the password'],
}

const contractResolver = zodResolver(CreateHostInput)

/** Validates with the contract's own `CreateHostInput`, so the form shows the rules the main process enforces. */
export const addHostResolver: Resolver<AddHostValues, unknown, ParsedCreateHost> = async (values, context, options) => {
  const result = await contractResolver(toCreateInput(values), context, options as never)
  const errors = result.errors as FieldErrors<AddHostValues>
  const required = values.kind === 'ssh' ? REQUIRED[values.auth] : undefined
  if (required && values.ssh[required[0]].trim() === '') {
    errors.ssh = { ...errors.ssh, [required[0]]: { type: 'required', message: required[1] } }
  }
  return Object.keys(errors).length === 0
    ? { values: result.values as ParsedCreateHost, errors: {} }
    : { values: {}, errors }
}

/** Fields a server error may name that have an input in the form. */
export const FORM_FIELDS = [
  'name',
  'socketPath',
  'ssh.host',
  'ssh.port',
  'ssh.username',
  'ssh.privateKeyPath',
  'ssh.privateKey',
  'ssh.passphrase',
  'ssh.password',
  'ssh.hostKeyFingerprint',
  'proxy.image',
  'proxy.httpPort',
  'proxy.httpsPort',
] as const
export type FormField = (typeof FORM_FIELDS)[number]
export const isFormField = (field: string | undefined): field is FormField =>
  (FORM_FIELDS as readonly string[]).includes(field ?? '')

export type Candidate =
  | { source: 'ssh'; entry: ImportCandidates['ssh'][number] }
  | { source: 'docker'; entry: ImportCandidates['dockerContexts'][number] }

/** Pre-fills the form from an `~/.ssh/config` entry or a Docker context. */
export function valuesFromCandidate(candidate: Candidate, current: AddHostValues): AddHostValues {
  if (candidate.source === 'ssh') {
    const { alias, host, port, username, privateKeyPath } = candidate.entry
    return {
      ...current,
      kind: 'ssh',
      name: alias,
      auth: privateKeyPath ? 'privateKeyPath' : 'agent',
      ssh: {
        ...current.ssh,
        host,
        port,
        username: username ?? current.ssh.username,
        privateKeyPath: privateKeyPath ?? '',
        hostKeyFingerprint: '',
      },
    }
  }
  const { name, endpoint } = candidate.entry
  if (endpoint.startsWith('unix://')) {
    return { ...current, kind: 'local', name, socketPath: endpoint.slice('unix://'.length) }
  }
  const url = parseSshEndpoint(endpoint)
  if (!url) return { ...current, name }
  return {
    ...current,
    kind: 'ssh',
    name,
    auth: 'agent',
    ssh: { ...current.ssh, ...url, hostKeyFingerprint: '' },
  }
}

/** `ssh://user@host:port` as Docker contexts write it. */
export function parseSshEndpoint(endpoint: string): { host: string; port: number; username: string } | null {
  const match = /^ssh:\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(endpoint)
  if (!match) return null
  return { username: match[1] ?? '', host: match[2]!.replace(/^\[|\]$/g, ''), port: match[3] ? Number(match[3]) : 22 }
}
