import type { RestartPolicy, ServiceSpec } from '../../../../src-preload/contract/projects'
import { joinWords } from './shell-words'

/**
 * What the service form edits: strings for what the user types, rows for lists. Names follow the contract
 * (`env.2.key`, `ports.0.host`, `healthcheck.port`) so a field error from the schema or the server lands on
 * the input it is about; `resources.memoryMiB` is the one field shown in other units than it is sent.
 */
export interface EnvRow {
  key: string
  value: string
  secret: boolean
  /** A stored secret left as it is: its value never reaches the renderer, so the row sends none. */
  kept: boolean
}
export interface PortRow {
  container: string
  host: string
  protocol: 'tcp' | 'udp'
  hostIp: string
}
export interface VolumeRow {
  /** `volume` with an empty source is an anonymous volume. */
  type: 'volume' | 'bind'
  source: string
  target: string
  readOnly: boolean
  confirmBind: boolean
}
export interface LabelRow {
  key: string
  value: string
}
export type HealthKind = 'none' | 'http' | 'command'

export interface ServiceFormValues {
  name: string
  source: 'image' | 'git'
  image: string
  git: {
    url: string
    ref: string
    context: string
    dockerfile: string
    /** `docker build --target`. */
    target: string
    /** `KEY=value`, one per line (build arguments are not secret: they end up in the image's history). */
    buildArgs: string
    poll: boolean
    pollIntervalSeconds: string
  }
  command: string
  entrypoint: string
  env: EnvRow[]
  ports: PortRow[]
  volumes: VolumeRow[]
  restart: { policy: RestartPolicy['policy']; maxRetries: string }
  healthcheck: {
    type: HealthKind
    path: string
    port: string
    command: string
    interval: string
    timeout: string
    retries: string
    startPeriod: string
  }
  resources: { memoryMiB: string; cpus: string }
  user: string
  labels: LabelRow[]
  dependsOn: string[]
  autoDeploy: boolean
}

export const MIB = 1024 * 1024

export const emptyEnvRow = (): EnvRow => ({ key: '', value: '', secret: false, kept: false })
export const emptyPortRow = (): PortRow => ({ container: '', host: '', protocol: 'tcp', hostIp: '' })
export const emptyVolumeRow = (): VolumeRow => ({
  type: 'volume',
  source: '',
  target: '',
  readOnly: false,
  confirmBind: false,
})

export function emptyServiceValues(): ServiceFormValues {
  return {
    name: '',
    source: 'image',
    image: '',
    git: {
      url: '',
      ref: 'main',
      context: '',
      dockerfile: '',
      target: '',
      buildArgs: '',
      poll: false,
      pollIntervalSeconds: '',
    },
    command: '',
    entrypoint: '',
    env: [],
    ports: [],
    volumes: [],
    restart: { policy: 'unless-stopped', maxRetries: '' },
    healthcheck: {
      type: 'none',
      path: '/',
      port: '',
      command: '',
      interval: '',
      timeout: '',
      retries: '',
      startPeriod: '',
    },
    resources: { memoryMiB: '', cpus: '' },
    user: '',
    labels: [],
    dependsOn: [],
    autoDeploy: false,
  }
}

const text = (value: number | string | undefined | null): string =>
  value === undefined || value === null ? '' : String(value)

/** The form for editing a stored spec. Secrets come without values and stay kept until replaced. */
export function valuesFromSpec(spec: ServiceSpec): ServiceFormValues {
  const empty = emptyServiceValues()
  const health = spec.healthcheck
  return {
    name: spec.name,
    source: spec.git ? 'git' : 'image',
    image: spec.image ?? '',
    git: spec.git
      ? {
          url: spec.git.url,
          ref: spec.git.ref,
          context: spec.git.context ?? '',
          dockerfile: spec.git.dockerfile ?? '',
          target: spec.git.target ?? '',
          buildArgs: Object.entries(spec.git.buildArgs ?? {})
            .map(([key, value]) => `${key}=${value}`)
            .join('\n'),
          poll: spec.git.poll ?? false,
          pollIntervalSeconds: text(spec.git.pollIntervalSeconds),
        }
      : empty.git,
    command: spec.command ? joinWords(spec.command) : '',
    entrypoint: spec.entrypoint ? joinWords(spec.entrypoint) : '',
    env: spec.env.map((v) =>
      v.secret && v.value === null
        ? { key: v.key, value: '', secret: true, kept: true }
        : { key: v.key, value: v.value ?? '', secret: v.secret, kept: false },
    ),
    ports: spec.ports.map((p) => ({
      container: text(p.container),
      host: text(p.host),
      protocol: p.protocol,
      hostIp: p.hostIp ?? '',
    })),
    // A bind mount already stored was confirmed when it was added; changing its source asks again.
    volumes: spec.volumes.map((v) => ({
      type: v.type,
      source: v.source ?? '',
      target: v.target,
      readOnly: v.readOnly,
      confirmBind: v.type === 'bind',
    })),
    restart: { policy: spec.restart.policy, maxRetries: text(spec.restart.maxRetries) },
    healthcheck: health
      ? {
          type: health.type,
          path: health.path ?? '/',
          port: text(health.port),
          command: health.command ? joinWords(health.command) : '',
          interval: health.interval ?? '',
          timeout: health.timeout ?? '',
          retries: text(health.retries),
          startPeriod: health.startPeriod ?? '',
        }
      : empty.healthcheck,
    resources: {
      memoryMiB: spec.resources.memoryBytes === undefined ? '' : String(spec.resources.memoryBytes / MIB),
      cpus: text(spec.resources.cpus),
    },
    user: spec.user ?? '',
    labels: Object.entries(spec.labels).map(([key, value]) => ({ key, value })),
    dependsOn: [...spec.dependsOn],
    autoDeploy: spec.autoDeploy,
  }
}
