import { Document, visit } from 'yaml'
import {
  projectNetworkName,
  serviceContainerName,
  type GitSource,
  type ServiceSpec,
} from '../../../../src-preload/contract/projects'
import { httpProbe } from '../container-config'
import { escapeDollars, formatByteSize, variableReference } from './compose-units'

type Spec = ServiceSpec

/** Git URLs docker-compose 1.29 takes as a build context; it reads any other form as a local folder and fails. */
const COMPOSE_GIT_CONTEXT = /^(https?:\/\/|git:\/\/|git@)/

const header = (projectName: string, hasGit: boolean): string =>
  [
    ` glinrdock project ${projectName}.`,
    ' Secrets are written as ${NAME} references, never their values: set each one in the environment',
    ' (or in an .env file next to this one) before running docker compose.',
    ...(hasGit
      ? [' Services built from git carry their source in x-glinrdock-git, and in build where compose takes the url.']
      : []),
  ].join('\n')

const restart = ({ policy, maxRetries }: Spec['restart']): string =>
  policy === 'on-failure' && maxRetries !== undefined ? `on-failure:${maxRetries}` : policy

function ports(spec: Spec): { ports?: unknown[]; expose?: string[] } {
  const published: unknown[] = []
  const expose: string[] = []
  for (const port of spec.ports) {
    if (port.host === undefined) {
      // A long-syntax port without `published` would be published on a random host port; `expose` is not.
      expose.push(port.protocol === 'tcp' ? String(port.container) : `${port.container}/${port.protocol}`)
    } else if (port.hostIp !== undefined) {
      // docker-compose 1.29 refuses `host_ip` in the long syntax; the short one carries it in every version.
      const ip = port.hostIp.includes(':') ? `[${port.hostIp}]` : port.hostIp
      published.push(`${ip}:${port.host}:${port.container}/${port.protocol}`)
    } else published.push({ target: port.container, published: port.host, protocol: port.protocol })
  }
  return { ...(published.length > 0 ? { ports: published } : {}), ...(expose.length > 0 ? { expose } : {}) }
}

function healthcheck(check: NonNullable<Spec['healthcheck']>): Record<string, unknown> {
  const test =
    check.type === 'http'
      ? httpProbe(check.port ?? 80, check.path ?? '/')
      : ['CMD', ...(check.command ?? []).map(escapeDollars)]
  return {
    test,
    ...(check.interval !== undefined ? { interval: check.interval } : {}),
    ...(check.timeout !== undefined ? { timeout: check.timeout } : {}),
    ...(check.retries !== undefined ? { retries: check.retries } : {}),
    ...(check.startPeriod !== undefined ? { start_period: check.startPeriod } : {}),
  }
}

function gitFields(git: GitSource): Record<string, unknown> {
  const extension = Object.fromEntries(
    (['url', 'ref', 'context', 'dockerfile'] as const)
      .filter((key) => git[key] !== undefined)
      .map((key) => [key, escapeDollars(git[key]!)]),
  )
  if (!COMPOSE_GIT_CONTEXT.test(git.url)) return { 'x-glinrdock-git': extension }
  const context = `${git.url}#${git.ref}${git.context ? `:${git.context}` : ''}`
  return {
    'x-glinrdock-git': extension,
    build: {
      context: escapeDollars(context),
      ...(git.dockerfile !== undefined ? { dockerfile: escapeDollars(git.dockerfile) } : {}),
    },
  }
}

function service(projectName: string, spec: Spec, volumes: Map<string, { name: string }>): Record<string, unknown> {
  const { memoryBytes, cpus } = spec.resources
  const limits = {
    ...(cpus !== undefined ? { cpus: String(cpus) } : {}),
    ...(memoryBytes !== undefined ? { memory: formatByteSize(memoryBytes) } : {}),
  }
  for (const volume of spec.volumes)
    if (volume.type === 'volume' && volume.source !== undefined) volumes.set(volume.source, { name: volume.source })
  return {
    ...(spec.image ? { image: escapeDollars(spec.image) } : {}),
    ...(spec.git && !spec.image ? gitFields(spec.git) : {}),
    container_name: serviceContainerName(projectName, spec.name),
    ...(spec.command ? { command: spec.command.map(escapeDollars) } : {}),
    ...(spec.entrypoint ? { entrypoint: spec.entrypoint.map(escapeDollars) } : {}),
    ...(spec.env.length > 0
      ? {
          environment: Object.fromEntries(
            spec.env.map((variable) => [
              variable.key,
              // A secret's value never leaves glinrdock: the file names the variable to set instead.
              variable.secret || variable.value === null
                ? variableReference(variable.key)
                : escapeDollars(variable.value),
            ]),
          ),
        }
      : {}),
    ...ports(spec),
    ...(spec.volumes.length > 0
      ? {
          volumes: spec.volumes.map((volume) => ({
            type: volume.type,
            ...(volume.source !== undefined ? { source: escapeDollars(volume.source) } : {}),
            target: escapeDollars(volume.target),
            read_only: volume.readOnly,
          })),
        }
      : {}),
    restart: restart(spec.restart),
    ...(spec.healthcheck ? { healthcheck: healthcheck(spec.healthcheck) } : {}),
    ...(Object.keys(limits).length > 0 ? { deploy: { resources: { limits } } } : {}),
    ...(Object.keys(spec.labels).length > 0
      ? {
          labels: Object.fromEntries(Object.entries(spec.labels).map(([key, value]) => [key, escapeDollars(value)])),
        }
      : {}),
    ...(spec.user ? { user: escapeDollars(spec.user) } : {}),
    ...(spec.dependsOn.length > 0 ? { depends_on: spec.dependsOn } : {}),
  }
}

/**
 * A compose file for a project's services that `docker compose` and docker-compose 1.29 run as glinrdock does
 * (same container names, volumes and network), and that `importCompose` reads back to the same specs. Every `$`
 * in a value is doubled so compose substitutes nothing; secrets are the only `${...}` references.
 */
export function exportCompose(projectName: string, services: ServiceSpec[]): string {
  const volumes = new Map<string, { name: string }>()
  const body = {
    services: Object.fromEntries(services.map((spec) => [spec.name, service(projectName, spec, volumes)])),
    // `name` keeps compose from prefixing the project: the containers mount the volumes glinrdock made.
    ...(volumes.size > 0 ? { volumes: Object.fromEntries(volumes) } : {}),
    networks: { default: { name: projectNetworkName(projectName) } },
  }
  // YAML 1.1 quoting, because docker-compose 1.29 (PyYAML) reads `no`, `on` or `22:22` unquoted as a boolean
  // or a number.
  // Without the merge tag a `<<` value is a plain string the visitor below can quote (the tag always writes it bare).
  const doc = new Document(body, {
    version: '1.1',
    customTags: (tags) =>
      tags.filter((tag) => (typeof tag === 'string' ? tag !== 'merge' : tag.tag !== 'tag:yaml.org,2002:merge')),
  })
  doc.commentBefore = header(
    projectName,
    services.some((spec) => spec.git && !spec.image),
  )
  visit(doc, {
    Scalar(_, node) {
      // PyYAML resolves a bare `=` and `<<` to tags it then cannot construct.
      if (node.value === '=' || node.value === '<<') node.type = 'QUOTE_DOUBLE'
    },
  })
  return doc.toString({ lineWidth: 0 })
}
