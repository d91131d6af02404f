import type { SecretBox } from '../../infra/secrets/secret-box'
import type { EnvVar } from '../../../src-preload/contract/projects'
import type { ServiceRecord, StoredSpec } from './project-store'
import type { ResolvedSpec } from './service-spec'

/** The SecretBox context of a service's env: a sealed env copied onto another service fails to open. */
export const envContext = (serviceId: string): string => `services:${serviceId}:env`

/** A service with no env stores no sealed value, so a service without secrets never needs the keychain. */
const NO_ENV = ''

/**
 * Env values at rest: every value is sealed (one JSON object per service), secret or not. Opened values are kept
 * in memory by their sealed text, so listing a project does not open every env again.
 */
export class ServiceEnv {
  private readonly opened = new Map<string, Record<string, string>>()

  constructor(private readonly box: SecretBox) {}

  async seal(serviceId: string, values: Record<string, string>): Promise<string> {
    if (Object.keys(values).length === 0) return NO_ENV
    const sealed = await this.box.seal(JSON.stringify(values), envContext(serviceId))
    this.opened.set(sealed, values)
    return sealed
  }

  async open(record: Pick<ServiceRecord, 'id' | 'sealedEnv'>): Promise<Record<string, string>> {
    if (record.sealedEnv === NO_ENV) return envValues()
    const cached = this.opened.get(record.sealedEnv)
    if (cached) return cached
    const values = envValues(JSON.parse(await this.box.open(record.sealedEnv, envContext(record.id))))
    if (this.opened.size > 10_000) this.opened.clear()
    this.opened.set(record.sealedEnv, values)
    return values
  }

  async resolve(record: ServiceRecord): Promise<ResolvedSpec> {
    return resolvedSpec(record.spec, await this.open(record))
  }

  /** What any reader may see: non-secret values, and null for every secret. */
  async masked(record: ServiceRecord): Promise<EnvVar[]> {
    const values = await this.open(record)
    return maskedEnv(record.spec, values)
  }
}

/**
 * Env values by key in an object without a prototype: `__proto__` and `constructor` are valid variable names, and
 * on a plain object the first would set its prototype and the second read an inherited function.
 */
export function envValues(from: Record<string, string> = {}): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, from)
}

export function resolvedSpec(spec: StoredSpec, values: Record<string, string>): ResolvedSpec {
  return { ...spec, env: spec.env.map((e) => ({ key: e.key, secret: e.secret, value: values[e.key] ?? '' })) }
}

export function maskedEnv(spec: StoredSpec, values: Record<string, string>): EnvVar[] {
  return spec.env.map((e) => ({ key: e.key, secret: e.secret, value: e.secret ? null : (values[e.key] ?? '') }))
}
